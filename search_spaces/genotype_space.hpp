#pragma once
// The choices that make up a genotype of a search space, in one fixed order, for the
// controllers: for every cell group (ascending), every internal node j (ascending), every one
// of its num_node_inputs input slots: which earlier node feeds it (j choices) and which
// primitive sits on the edge (P choices). A decision vector is a genotype and back; random
// sampling and one-step mutation (aw_nas / regularized evolution) work on the same choices.
#include <string>
#include <vector>

#include "ops/core/random.hpp"
#include "search_spaces/genotype.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas {

class GenotypeSpace {
 public:
  explicit GenotypeSpace(const SearchSpaceConfig& space);

  // Options of each decision: alternately a node's input (j options) and its op (P options).
  const std::vector<int>& decision_sizes() const { return sizes_; }
  bool is_op_decision(std::size_t index) const { return index % 2 == 1; }
  int num_decisions() const { return static_cast<int>(sizes_.size()); }
  const std::vector<std::string>& primitives() const { return primitives_; }

  // Throws std::invalid_argument when a decision is out of range or the count is wrong.
  Genotype decode(const std::vector<int>& decisions) const;
  // The decisions of a genotype of this space (edges of a node in stored order); throws
  // std::invalid_argument naming the cell and edge that the space cannot express.
  std::vector<int> encode(const Genotype& genotype) const;

  // Uniformly random ops; a node's inputs are distinct when it has enough predecessors
  // (as DARTS cells are), else drawn with repetition but never the same (input, op) twice.
  Genotype random(Rng& rng) const;
  // Changes exactly one decision: one edge's input (to another earlier node, keeping a node's
  // inputs distinct when they were) or one edge's op (to another primitive), never repeating
  // an (input, op) within a node. Returns the genotype unchanged only if no such change exists.
  Genotype mutate(const Genotype& genotype, Rng& rng) const;

  // log10 of the number of decision vectors, for messages ("10^14.3 genotypes").
  double log10_size() const;

 private:
  struct Slot {
    int group;
    CellKind kind;
    int node;
  };
  int num_init_nodes_;
  int num_node_inputs_;
  std::vector<std::string> primitives_;
  std::vector<Slot> slots_;  // one per (group, node, input slot), decisions 2i and 2i+1
  std::vector<int> sizes_;
};

}  // namespace bitnas

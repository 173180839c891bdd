#pragma once
// The choices that make up a genotype of a search space, in one fixed order, for the
// controllers: for every cell group (ascending), every internal node j (ascending), every one
// of its num_node_inputs input slots: which earlier node feeds it (j choices) and which
// primitive sits on the edge (P choices). A decision vector is a genotype and back; random
// sampling and one-step mutation (aw_nas / regularized evolution) work on the same choices.
#include <functional>
#include <string>
#include <vector>

#include "ops/core/random.hpp"
#include "search_spaces/genotype.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas {

// Which genotypes sampling may produce: the remedies for a weight-sharing search's collapse
// onto parameter-free ops. Decoding and encoding still cover the whole space.
struct SamplingRules {
  bool operator==(const SamplingRules&) const = default;
  bool sample_none = true;               // `none` may be drawn for an edge
  int max_parameter_free_per_cell = -1;  // < 0: no cap
};

class GenotypeSpace {
 public:
  explicit GenotypeSpace(const SearchSpaceConfig& space, SamplingRules rules = {});
  const SamplingRules& rules() const { return rules_; }
  // True when `genotype` obeys the rules (a genotype of this space is assumed).
  bool allowed(const Genotype& genotype) const;
  // Why not, for messages; empty when allowed.
  std::string violation(const Genotype& genotype) const;

  // A further test that random() and mutate() draw within, beside the rules: a search's hard
  // OPs budget, so that a random search and evolution spend their evaluations on genotypes
  // the objective accepts and a random sample is uniform over the budgeted space. allowed()
  // does not apply it (a rejected genotype is still a genotype of the space). `what` names
  // it in errors ("objective max_ops 1100000").
  using Admissible = std::function<bool(const Genotype&)>;
  void restrict_to(Admissible admissible, std::string what);
  bool admissible(const Genotype& genotype) const { return !admissible_ || admissible_(genotype); }

  // Options of each decision: alternately a node's input (j options) and its op (P options).
  const std::vector<int>& decision_sizes() const { return sizes_; }
  bool is_op_decision(std::size_t index) const { return index % 2 == 1; }
  int num_decisions() const { return static_cast<int>(sizes_.size()); }
  int num_node_inputs() const { return num_node_inputs_; }
  const std::vector<std::string>& primitives() const { return primitives_; }
  // Primitive indices random() draws from (all but `none` unless the rules allow it).
  const std::vector<int>& drawable_ops() const { return drawable_ops_; }

  // Throws std::invalid_argument when a decision is out of range or the count is wrong.
  Genotype decode(const std::vector<int>& decisions) const;
  // The decisions of a genotype of this space (edges of a node in stored order); throws
  // std::invalid_argument naming the cell and edge that the space cannot express.
  std::vector<int> encode(const Genotype& genotype) const;

  // Uniformly random ops among those the rules allow; a node's inputs are distinct when it has
  // enough predecessors (as DARTS cells are), else drawn with repetition but never the same
  // (input, op) twice. A draw over the parameter-free cap or outside the restriction is
  // redrawn (throws std::invalid_argument when 10,000 draws in a row fail).
  Genotype random(Rng& rng) const;
  // Changes exactly one decision: one edge's input (to another earlier node, keeping a node's
  // inputs distinct when they were) or one edge's op (to another primitive), never repeating
  // an (input, op) within a node, and staying within the rules. Returns the genotype unchanged
  // only if no such change exists (or none of 256 tries is admissible).
  Genotype mutate(const Genotype& genotype, Rng& rng) const;

  // log10 of the number of decision vectors, for messages ("10^14.3 genotypes").
  double log10_size() const;

 private:
  struct Slot {
    int group;
    CellKind kind;
    int node;
  };
  Genotype random_draw(Rng& rng) const;  // one draw, before the cap

  int num_init_nodes_;
  int num_node_inputs_;
  std::vector<std::string> primitives_;
  std::vector<Slot> slots_;  // one per (group, node, input slot), decisions 2i and 2i+1
  std::vector<int> sizes_;
  SamplingRules rules_;
  std::vector<int> drawable_ops_;        // primitive indices random() draws from
  Admissible admissible_;                // empty: every allowed genotype
  std::string admissible_what_;
};

}  // namespace bitnas

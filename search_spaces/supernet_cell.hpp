#pragma once
// One cell of the weight-sharing supernet (aw_nas's weights manager; docs/DESIGN.md, Weight sharing
// and controllers): the frame of a cell at its layer (preprocess, merge, cell-wise shortcut:
// cell_frame.hpp, as Cell has) and one op per (edge i -> j, candidate primitive), each with weights
// of its own. A selection says what forward computes:
//   path:    a cell genotype; only its ops on nodes that reach the output run, unweighted,
//            exactly as a Cell of that genotype computes;
//   mixture: node j = sum over i < j, primitives p of w[i->j][p] * op_p(state i) (DARTS),
//            ops whose weight is exactly 0 skipped (GDAS one-hot weights run one op per edge);
//            backward also yields dL/dw.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ops/core/module.hpp"
#include "search_spaces/cell_frame.hpp"
#include "search_spaces/genotype.hpp"
#include "search_spaces/op_registry.hpp"

namespace bitnas {

// w * op(state[from]) added into node `to`; op is primitive `primitive` on edge `edge`.
struct SupernetTerm {
  int from = 0;
  int to = 0;
  int edge = 0;       // index among the cell's edges, in supernet_edges order
  int primitive = 0;  // index into the space's primitives
  float weight = 1.0f;
};

// What one supernet cell computes; made (and checked) by SupernetCell::plan_path or
// plan_mixture.
struct CellSelection {
  bool mixture = false;             // terms are weighted and their weights get gradients
  std::vector<SupernetTerm> terms;  // by target node: the order forward runs them
  std::vector<int> output_nodes;    // merged by concat_op
  std::vector<bool> live;           // per node: computed (inputs: preprocessed)
};

class SupernetCell : public MergeModule {
 public:
  // Builds every candidate op eagerly. A (edge, primitive) pair that cannot be built (a pool
  // asked to change widths, an input the preprocess cannot bring to the cell's size) is kept
  // as unavailable with the reason; selecting it is an error. With concat_op concat the output
  // width must not depend on the genotype, so loose_end is refused then.
  SupernetCell(int layer, const std::vector<StateSpec>& inputs, const OpContext& context);

  std::string type_name() const override { return "SupernetCell"; }

  // The path of cell genotype `cell`; errors name the cell, layer and edge. With concat_op
  // concat its output nodes must be as many as this cell was built for (output_width).
  CellSelection plan_path(const CellGenotype& cell) const;
  // The mixture of rows[e][p] (one row per edge of this cell, in supernet_edges order).
  // Output nodes: the space's concat_nodes, else every internal node (loose_end is a rule
  // about genotypes; in a mixture every node feeds every later node). Nodes that do not reach
  // them through non-zero weights are skipped.
  CellSelection plan_mixture(std::span<const std::vector<float>> rows) const;
  void select(CellSelection selection);
  bool has_selection() const { return selected_; }
  const CellSelection& selection() const { return selection_; }

  Tensor forward(const std::vector<Tensor>& inputs, Mode mode) override;
  std::vector<Tensor> backward(const Tensor& grad_output) override;
  // After a mixture's backward: adds dL/dw of this cell into rows[e][p] (terms that did not
  // run, weight 0, add nothing). Cleared by every forward.
  void add_weight_gradients(std::span<std::vector<float>> rows) const;

  // Every op: preprocess, every candidate ("node3.from1.bconv_3x3", edge by edge, primitives
  // in the space's order, unavailable ones left out), the cell-wise shortcut.
  std::vector<std::pair<std::string, Module*>> children() override;
  // The ops the selection runs, in the order a Cell of the same genotype lists its children.
  std::vector<std::pair<std::string, Module*>> active_children();

  int layer() const { return layer_; }
  int num_edges() const { return static_cast<int>(edges_.size()); }
  StateSpec output() const { return frame_->output(); }
  // Why primitive p cannot sit on edge e ("" when it can).
  const std::string& candidate_problem(int edge, int primitive) const;

 private:
  struct Candidate {
    std::string name;  // "node3.from1.bconv_3x3"
    std::unique_ptr<Module> op;  // null: unavailable
    std::string problem;
    bool identity = false;  // is_identity_op(*op): a path adds the input itself
  };
  struct Edge {
    int from, to;
    std::vector<Candidate> candidates;  // one per primitive
  };

  int edge_index(int from, int to) const;
  int primitive_index(const std::string& op) const;  // -1 when not a primitive
  std::vector<bool> used_inputs() const;
  [[noreturn]] void fail(const std::string& why) const;
  Module& op_of(const SupernetTerm& term) { return *edges_[term.edge].candidates[term.primitive].op; }
  bool is_identity(const SupernetTerm& term) const {
    return edges_[term.edge].candidates[term.primitive].identity;
  }

  SearchSpaceConfig space_;
  int layer_ = 0;
  CellGenotype header_;  // kind and group only: names the cell in errors
  int num_inputs_ = 0;
  int num_nodes_ = 0;  // inputs + num_steps internal nodes
  std::vector<int> mixture_outputs_;
  std::unique_ptr<CellFrame> frame_;
  std::vector<Edge> edges_;  // by target node, then source node

  bool selected_ = false;
  CellSelection selection_;
  // Mixture in train mode: each term's op output (for dL/dw), and dL/dw after backward.
  std::vector<Tensor> term_outputs_;
  std::vector<double> weight_grads_;
};

}  // namespace bitnas

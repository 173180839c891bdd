#pragma once
// The parts of a cell (docs/DESIGN.md, The cell space) that do not depend on which op sits on an
// edge, shared by Cell (one fixed genotype) and SupernetCell (every candidate op, a path or mixture
// chosen per step): the checks and node plan of a cell genotype at a layer, the preprocess of each
// input, the stride of an edge, the merge of the output nodes by concat_op, and the cell-wise
// shortcut.
#include <memory>
#include <string>
#include <vector>

#include "ops/core/module.hpp"
#include "ops/layers/identity.hpp"
#include "search_spaces/genotype.hpp"
#include "search_spaces/op_registry.hpp"

namespace bitnas {

// A tensor flowing between cells: its width and how many stride-2 steps it has been through.
struct StateSpec {
  int channels = 0;
  int reductions = 0;
};

// Throws std::invalid_argument("cell <layer> (<field name>): <why>"), the form of every error
// about a cell genotype placed at a layer.
[[noreturn]] void throw_cell_layer_error(const CellGenotype& cell, int layer,
                                         const std::string& why);

// sum += term; an empty sum becomes term. Node states and gradients start empty, so a node no
// edge reached stays recognisably unset.
void accumulate(Tensor& sum, const Tensor& term);
// The same, taking over term's storage when sum is empty instead of copying it.
void accumulate(Tensor& sum, Tensor&& term);

// The tensors of a cell's nodes during one forward. Internal nodes and preprocessed inputs
// are held here; an input without a preprocess op is read where the caller keeps it, so a
// cell copies no activation it does not change.
class NodeStates {
 public:
  NodeStates(const std::vector<Tensor>& inputs, std::vector<Tensor> preprocessed, int num_nodes);
  // What an edge leaving `node` reads.
  const Tensor& operator[](int node) const;
  // An internal node's sum (empty until an edge adds to it), or a preprocessed input.
  Tensor& held(int node) { return held_[static_cast<std::size_t>(node)]; }

 private:
  const std::vector<Tensor>* inputs_;
  std::vector<Tensor> held_;
};

// "node3.from1.bconv_3x3": the name of an edge op, and so of its checkpoint tensors.
std::string cell_edge_name(int from, int to, const std::string& op);

// The nodes of a cell genotype placed at a layer.
struct CellPlan {
  int num_nodes = 0;              // inputs + internal nodes (highest node + 1)
  std::vector<int> output_nodes;  // ascending, by cell_output_nodes
  std::vector<bool> live;         // per node: it is an output node or feeds one
};

// Checks that `cell` fits layer `layer` of the space with `num_inputs` inputs (input count,
// normal/reduce kind, no edge into an input, output nodes that are computed, live nodes with
// incoming edges) and plans its nodes; errors name the cell and layer.
CellPlan plan_cell(const CellGenotype& cell, int layer, int num_inputs,
                   const SearchSpaceConfig& space);

class CellFrame {
 public:
  // `inputs`: the num_init_nodes cell inputs, oldest first; the last one sets the cell's
  // spatial size. Only inputs with live[i] get a preprocess op. Throws std::invalid_argument
  // (naming the input, not the cell: callers add that) when an input is not 0 or 1 stride-2
  // steps off the cell's spatial size.
  CellFrame(int layer, const std::vector<StateSpec>& inputs, const std::vector<bool>& live,
            const OpContext& context);
  // Builds the merge and the shortcut. A separate step, called after the edge ops are built,
  // so ops draw their initial weights from the Rng in execution order.
  void build_output(int num_output_nodes, const OpContext& context);

  int num_inputs() const { return static_cast<int>(preprocess_.size()); }
  bool is_reduce() const { return reduce_; }
  int width() const { return width_; }
  // Why live input i cannot be brought to the cell's size ("" when it can). An edge must not
  // read such an input.
  const std::string& input_problem(int i) const { return preprocess_[i].problem; }
  // What an edge leaving `node` reads: a preprocessed input or an internal node.
  StateSpec node_state(int node) const;
  // Edges leaving an input node of a reduce cell have stride 2.
  int edge_stride(int from) const { return reduce_ && from < num_inputs() ? 2 : 1; }
  StateSpec output() const { return output_; }

  // The node states of a forward, its inputs preprocessed (those with used[i] false are not
  // computed; `inputs` must outlive the result).
  NodeStates preprocess(const std::vector<Tensor>& inputs, const std::vector<bool>& used,
                        int num_nodes, Mode mode);
  // concat_op over the output nodes' tensors, plus the shortcut of the cell's last input.
  Tensor merge(std::vector<Tensor> output_nodes, const Tensor& last_input, Mode mode);
  // Gradients of the output nodes, given the cell output's.
  std::vector<Tensor> merge_backward(const Tensor& grad_output);
  // Gradients of the cell inputs from those of the preprocessed inputs (empty: unused) and the
  // cell output's (through the shortcut); entries stay empty for unused inputs.
  std::vector<Tensor> input_backward(std::vector<Tensor> preprocessed_grads,
                                     const Tensor& grad_output);

  // "preprocess<i>" for the inputs with used[i] that have a preprocess op; "shortcut" when
  // the shortcut is an op.
  std::vector<std::pair<std::string, Module*>> preprocess_ops(const std::vector<bool>& used);
  std::vector<std::pair<std::string, Module*>> shortcut_ops();

 private:
  struct Preprocess {
    std::unique_ptr<Module> op;  // null: the input is used as it is
    StateSpec state;             // after preprocess
    std::string problem;
  };

  int layer_ = 0;
  bool reduce_ = false;
  int width_ = 0;
  StateSpec input_, node_, output_;  // the last input, every internal node, the cell output
  std::vector<Preprocess> preprocess_;
  std::unique_ptr<MergeModule> merge_;
  std::unique_ptr<Module> shortcut_;  // null when there is no cell-wise shortcut op
  bool shortcut_is_identity_ = false;
};

}  // namespace bitnas

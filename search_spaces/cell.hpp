#pragma once
// One cell of the AWNAS space (docs/DESIGN.md, The cell space): preprocess each input to the cell
// width, compute the internal nodes (each the sum of op(state[from]) over its incoming edges; edges
// leaving an input node of a reduce cell have stride 2), merge the output nodes with concat_op, and
// add the optional cell-wise shortcut. Only nodes that reach the output are built.
#include <memory>
#include <string>
#include <vector>

#include "ops/core/module.hpp"
#include "search_spaces/cell_frame.hpp"
#include "search_spaces/genotype.hpp"
#include "search_spaces/op_registry.hpp"

namespace bitnas {

class Cell : public MergeModule {
 public:
  // `inputs` describes the num_init_nodes cell inputs (oldest first; the last one is the
  // previous cell's output, whose spatial size the cell takes as its own).
  Cell(const CellGenotype& genotype, int layer, const std::vector<StateSpec>& inputs,
       const OpContext& context);

  std::string type_name() const override { return "Cell"; }
  Tensor forward(const std::vector<Tensor>& inputs, Mode mode) override;
  std::vector<Tensor> backward(const Tensor& grad_output) override;
  // Preprocess ops, edge ops and the cell-wise shortcut, with their dotted names.
  std::vector<std::pair<std::string, Module*>> children() override;

  StateSpec output() const { return frame_->output(); }
  bool is_reduce() const { return frame_->is_reduce(); }
  const std::vector<int>& output_nodes() const { return output_nodes_; }

 private:
  struct Edge {
    int from, to;
    std::string name;  // "node3.from1.bconv_3x3"
    std::unique_ptr<Module> op;
    bool identity = false;  // is_identity_op(*op): the cell adds the input itself
  };

  int num_inputs_ = 0;
  int num_nodes_ = 0;  // inputs + internal nodes (highest node + 1)
  std::vector<bool> live_inputs_;
  std::unique_ptr<CellFrame> frame_;  // preprocess, merge, cell-wise shortcut
  std::vector<Edge> edges_;  // ordered by target node
  std::vector<int> output_nodes_;
};

}  // namespace bitnas

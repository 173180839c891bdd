#include "search_spaces/cell.hpp"

#include <stdexcept>

#include "ops/layers/add.hpp"
#include "ops/layers/concat.hpp"
#include "ops/layers/mean.hpp"
#include "search_spaces/cell_outputs.hpp"

namespace bitnas {

namespace {

[[noreturn]] void fail(const CellGenotype& g, int layer, const std::string& why) {
  throw std::invalid_argument("cell " + std::to_string(layer) + " (" + g.field_name() +
                              "): " + why);
}

std::unique_ptr<MergeModule> make_merge(ConcatOp op) {
  switch (op) {
    case ConcatOp::concat: return std::make_unique<Concat>();
    case ConcatOp::sum: return std::make_unique<Add>();
    case ConcatOp::mean: return std::make_unique<Mean>();
  }
  return nullptr;
}

// Adds b into a (a empty: becomes b).
void accumulate(Tensor& a, const Tensor& b) {
  if (a.empty()) a = b;
  else a.add_(b);
}

}  // namespace

Cell::Cell(const CellGenotype& g, int layer, const std::vector<StateSpec>& inputs,
           const OpContext& context) {
  const SearchSpaceConfig& space = context.space;
  num_inputs_ = static_cast<int>(inputs.size());
  if (num_inputs_ != space.num_init_nodes)
    fail(g, layer, "got " + std::to_string(num_inputs_) + " inputs for num_init_nodes " +
                       std::to_string(space.num_init_nodes));
  reduce_ = space.is_reduce_layer(layer);
  if ((g.kind == CellKind::reduce) != reduce_)
    fail(g, layer, std::string("layer ") + std::to_string(layer) + " is a " +
                       (reduce_ ? "reduce" : "normal") + " cell in cell_layout");
  for (const auto& e : g.edges)
    if (e.to < num_inputs_)
      fail(g, layer, "edge " + to_string(e) + " ends in input node " + std::to_string(e.to));
  num_nodes_ = g.max_node() + 1;
  const int width = space.cell_channels(layer);
  const int reference = inputs.back().reductions;

  output_nodes_ = cell_output_nodes(g, space);
  for (int n : output_nodes_) {
    if (n < num_inputs_ || n >= num_nodes_ || g.edges_into(n).empty())
      fail(g, layer, "output node " + std::to_string(n) + " has no incoming edges");
  }
  const std::vector<bool> live = nodes_reaching(g, num_nodes_, output_nodes_);

  // Preprocess: bring each live input to the cell width and the reference spatial size.
  std::vector<StateSpec> state(static_cast<std::size_t>(num_nodes_));
  for (int i = 0; i < num_inputs_; ++i) {
    Preprocess p{"preprocess" + std::to_string(i), nullptr};
    StateSpec s = inputs[i];
    const int larger_by = reference - s.reductions;  // stride-2 steps this input lacks
    if (larger_by < 0 || larger_by > 1)
      fail(g, layer, "input " + std::to_string(i) + " is " + std::to_string(larger_by) +
                         " reductions off the cell's spatial size; only 0 or 1 can be bridged");
    if (live[i]) {
      const bool binary = space.preprocess == bitnas::Preprocess::binary;
      if (larger_by == 1) {
        if (space.preprocess == bitnas::Preprocess::identity)
          fail(g, layer, "input " + std::to_string(i) +
                             " is spatially larger than the cell; it needs preprocess darts or "
                             "binary (factorized reduce), not identity");
        p.op = make_op(binary ? "bin_factorized_reduce" : "factorized_reduce", s.channels, width,
                       2, context);
        s = {width, reference};
      } else if (space.preprocess != bitnas::Preprocess::identity && s.channels != width) {
        p.op = make_op(binary ? "bin_conv_bn_1x1" : "relu_conv_bn_1x1", s.channels, width, 1,
                       context);
        s = {width, reference};
      }
    }
    state[i] = s;
    preprocess_.push_back(std::move(p));
  }

  // Edges of live nodes, in node order, so forward can run them in sequence.
  for (int node = num_inputs_; node < num_nodes_; ++node) {
    if (!live[node]) continue;
    const auto into = g.edges_into(node);
    if (into.empty()) fail(g, layer, "node " + std::to_string(node) + " has no incoming edges");
    for (const auto& e : into) {
      const bool from_input = e.from < num_inputs_;
      const int stride = reduce_ && from_input ? 2 : 1;
      Edge edge{e.from, e.to,
                "node" + std::to_string(e.to) + ".from" + std::to_string(e.from) + "." + e.op,
                nullptr};
      try {
        edge.op = make_op(e.op, state[e.from].channels, width, stride, context);
      } catch (const std::invalid_argument& err) {
        fail(g, layer, "edge " + to_string(e) + ": " + err.what());
      }
      edges_.push_back(std::move(edge));
    }
    state[node] = {width, reference + (reduce_ ? 1 : 0)};
  }

  merge_ = make_merge(space.concat_op);
  const int out_width = space.concat_op == ConcatOp::concat
                            ? width * static_cast<int>(output_nodes_.size())
                            : width;
  output_ = {out_width, reference + (reduce_ ? 1 : 0)};

  if (space.cell_shortcut) {
    const StateSpec in = inputs.back();
    shortcut_is_identity_ = !reduce_ && in.channels == out_width;
    if (!shortcut_is_identity_)
      shortcut_ = make_op("skip_connect", in.channels, out_width, reduce_ ? 2 : 1, context);
  }
}

Tensor Cell::forward(const std::vector<Tensor>& inputs, Mode mode) {
  if (static_cast<int>(inputs.size()) != num_inputs_)
    throw std::invalid_argument("Cell::forward: expected " + std::to_string(num_inputs_) +
                                " inputs, got " + std::to_string(inputs.size()));
  std::vector<Tensor> state(static_cast<std::size_t>(num_nodes_));
  for (int i = 0; i < num_inputs_; ++i)
    state[i] = preprocess_[i].op ? preprocess_[i].op->forward(inputs[i], mode) : inputs[i];
  for (auto& e : edges_) accumulate(state[e.to], e.op->forward(state[e.from], mode));
  std::vector<Tensor> outs;
  for (int n : output_nodes_) outs.push_back(std::move(state[n]));
  Tensor y = merge_->forward(outs, mode);
  if (shortcut_) y.add_(shortcut_->forward(inputs.back(), mode));
  else if (shortcut_is_identity_) y.add_(inputs.back());
  return y;
}

std::vector<Tensor> Cell::backward(const Tensor& grad_output) {
  std::vector<Tensor> grad(static_cast<std::size_t>(num_nodes_));
  const std::vector<Tensor> output_grads = merge_->backward(grad_output);
  for (std::size_t k = 0; k < output_nodes_.size(); ++k)
    accumulate(grad[output_nodes_[k]], output_grads[k]);
  for (auto it = edges_.rbegin(); it != edges_.rend(); ++it)
    accumulate(grad[it->from], it->op->backward(grad[it->to]));
  std::vector<Tensor> input_grads(static_cast<std::size_t>(num_inputs_));
  for (int i = 0; i < num_inputs_; ++i) {
    if (grad[i].empty()) continue;  // input unused by live nodes
    input_grads[i] = preprocess_[i].op ? preprocess_[i].op->backward(grad[i]) : grad[i];
  }
  if (shortcut_) accumulate(input_grads.back(), shortcut_->backward(grad_output));
  else if (shortcut_is_identity_) accumulate(input_grads.back(), grad_output);
  return input_grads;
}

std::vector<std::pair<std::string, Module*>> Cell::children() {
  std::vector<std::pair<std::string, Module*>> ops;
  for (auto& p : preprocess_)
    if (p.op) ops.emplace_back(p.name, p.op.get());
  for (auto& e : edges_) ops.emplace_back(e.name, e.op.get());
  if (shortcut_) ops.emplace_back("shortcut", shortcut_.get());
  return ops;
}

}  // namespace bitnas

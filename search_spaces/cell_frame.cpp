#include "search_spaces/cell_frame.hpp"

#include <algorithm>
#include <stdexcept>

#include "ops/layers/add.hpp"
#include "ops/layers/concat.hpp"
#include "ops/layers/identity.hpp"
#include "ops/layers/mean.hpp"
#include "search_spaces/cell_outputs.hpp"

namespace bitnas {

namespace {

std::unique_ptr<MergeModule> make_merge(ConcatOp op) {
  switch (op) {
    case ConcatOp::concat: return std::make_unique<Concat>();
    case ConcatOp::sum: return std::make_unique<Add>();
    case ConcatOp::mean: return std::make_unique<Mean>();
  }
  return nullptr;
}

}  // namespace

void throw_cell_layer_error(const CellGenotype& g, int layer, const std::string& why) {
  throw std::invalid_argument("cell " + std::to_string(layer) + " (" + g.field_name() +
                              "): " + why);
}

void accumulate(Tensor& sum, const Tensor& term) {
  if (sum.empty()) sum = term;
  else sum.add_(term);
}

void accumulate(Tensor& sum, Tensor&& term) {
  if (sum.empty()) sum = std::move(term);
  else sum.add_(term);
}

NodeStates::NodeStates(const std::vector<Tensor>& inputs, std::vector<Tensor> preprocessed,
                       int num_nodes)
    : inputs_(&inputs), held_(std::move(preprocessed)) {
  held_.resize(static_cast<std::size_t>(num_nodes));
}

const Tensor& NodeStates::operator[](int node) const {
  const auto i = static_cast<std::size_t>(node);
  // An input without preprocess has nothing held: it is read from the caller's tensor.
  return i < inputs_->size() && held_[i].empty() ? (*inputs_)[i] : held_[i];
}

std::string cell_edge_name(int from, int to, const std::string& op) {
  return "node" + std::to_string(to) + ".from" + std::to_string(from) + "." + op;
}

CellPlan plan_cell(const CellGenotype& g, int layer, int num_inputs,
                   const SearchSpaceConfig& space) {
  if (num_inputs != space.num_init_nodes)
    throw_cell_layer_error(g, layer,
                           "got " + std::to_string(num_inputs) + " inputs for num_init_nodes " +
                               std::to_string(space.num_init_nodes));
  const bool reduce = space.is_reduce_layer(layer);
  if ((g.kind == CellKind::reduce) != reduce)
    throw_cell_layer_error(g, layer,
                           std::string("layer ") + std::to_string(layer) + " is a " +
                               (reduce ? "reduce" : "normal") + " cell in cell_layout");
  for (const auto& e : g.edges)
    if (e.to < num_inputs)
      throw_cell_layer_error(g, layer, "edge " + to_string(e) + " ends in input node " +
                                           std::to_string(e.to));
  CellPlan plan;
  plan.num_nodes = std::max(g.max_node() + 1, num_inputs);
  plan.output_nodes = cell_output_nodes(g, space);
  for (int n : plan.output_nodes) {
    if (n < num_inputs || n >= plan.num_nodes || g.edges_into(n).empty())
      throw_cell_layer_error(g, layer,
                             "output node " + std::to_string(n) + " has no incoming edges");
  }
  plan.live = nodes_reaching(g, plan.num_nodes, plan.output_nodes);
  for (int node = num_inputs; node < plan.num_nodes; ++node)
    if (plan.live[node] && g.edges_into(node).empty())
      throw_cell_layer_error(g, layer, "node " + std::to_string(node) + " has no incoming edges");
  return plan;
}

CellFrame::CellFrame(int layer, const std::vector<StateSpec>& inputs,
                     const std::vector<bool>& live, const OpContext& context)
    : layer_(layer) {
  const SearchSpaceConfig& space = context.space;
  reduce_ = space.is_reduce_layer(layer);
  width_ = space.cell_channels(layer);
  input_ = inputs.back();
  const int reference = input_.reductions;
  node_ = {width_, reference + (reduce_ ? 1 : 0)};

  // Preprocess: bring each live input to the cell width and the reference spatial size.
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string input = "input " + std::to_string(i);
    Preprocess p{nullptr, inputs[i], {}};
    const StateSpec s = inputs[i];
    const int larger_by = reference - s.reductions;  // stride-2 steps this input lacks
    if (larger_by < 0 || larger_by > 1)
      throw std::invalid_argument(input + " is " + std::to_string(larger_by) +
                                  " reductions off the cell's spatial size; only 0 or 1 can be "
                                  "bridged");
    if (live[i]) {
      const bool binary = space.preprocess == bitnas::Preprocess::binary;
      if (larger_by == 1) {
        if (space.preprocess == bitnas::Preprocess::identity) {
          p.problem = input +
                      " is spatially larger than the cell; it needs preprocess darts or binary "
                      "(factorized reduce), not identity";
        } else {
          p.op = make_op(binary ? "bin_factorized_reduce" : "factorized_reduce", s.channels,
                         width_, 2, context);
          p.state = {width_, reference};
        }
      } else if (space.preprocess != bitnas::Preprocess::identity && s.channels != width_) {
        p.op = make_op(binary ? "bin_conv_bn_1x1" : "relu_conv_bn_1x1", s.channels, width_, 1,
                       context);
        p.state = {width_, reference};
      }
    }
    preprocess_.push_back(std::move(p));
  }
}

void CellFrame::build_output(int num_output_nodes, const OpContext& context) {
  const SearchSpaceConfig& space = context.space;
  merge_ = make_merge(space.concat_op);
  const int out_width =
      space.concat_op == ConcatOp::concat ? width_ * num_output_nodes : width_;
  output_ = {out_width, node_.reductions};
  if (space.cell_shortcut) {
    shortcut_is_identity_ = !reduce_ && input_.channels == out_width;
    if (!shortcut_is_identity_)
      shortcut_ = make_op("shortcut", input_.channels, out_width, reduce_ ? 2 : 1, context);
  }
}

StateSpec CellFrame::node_state(int node) const {
  return node < num_inputs() ? preprocess_[node].state : node_;
}

NodeStates CellFrame::preprocess(const std::vector<Tensor>& inputs, const std::vector<bool>& used,
                                 int num_nodes, Mode mode) {
  std::vector<Tensor> out(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!used[i]) continue;
    const Preprocess& p = preprocess_[i];
    if (!p.problem.empty())
      throw std::logic_error("cell " + std::to_string(layer_) + ": " + p.problem);
    if (p.op) out[i] = p.op->forward(inputs[i], mode);
  }
  return NodeStates(inputs, std::move(out), num_nodes);
}

Tensor CellFrame::merge(std::vector<Tensor> output_nodes, const Tensor& last_input, Mode mode) {
  Tensor y = merge_->forward(output_nodes, mode);
  if (shortcut_) y.add_(shortcut_->forward(last_input, mode));
  else if (shortcut_is_identity_) y.add_(last_input);
  return y;
}

std::vector<Tensor> CellFrame::merge_backward(const Tensor& grad_output) {
  return merge_->backward(grad_output);
}

std::vector<Tensor> CellFrame::input_backward(std::vector<Tensor> grads,
                                              const Tensor& grad_output) {
  grads.resize(preprocess_.size());
  for (std::size_t i = 0; i < grads.size(); ++i)
    if (!grads[i].empty() && preprocess_[i].op) grads[i] = preprocess_[i].op->backward(grads[i]);
  if (shortcut_) accumulate(grads.back(), shortcut_->backward(grad_output));
  else if (shortcut_is_identity_) accumulate(grads.back(), grad_output);
  return grads;
}

std::vector<std::pair<std::string, Module*>> CellFrame::preprocess_ops(
    const std::vector<bool>& used) {
  std::vector<std::pair<std::string, Module*>> ops;
  for (std::size_t i = 0; i < preprocess_.size(); ++i)
    if (used[i] && preprocess_[i].op) ops.emplace_back("preprocess" + std::to_string(i), preprocess_[i].op.get());
  return ops;
}

std::vector<std::pair<std::string, Module*>> CellFrame::shortcut_ops() {
  if (!shortcut_) return {};
  return {{"shortcut", shortcut_.get()}};
}

}  // namespace bitnas

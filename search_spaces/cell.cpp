#include "search_spaces/cell.hpp"

#include <stdexcept>

namespace bitnas {

Cell::Cell(const CellGenotype& g, int layer, const std::vector<StateSpec>& inputs,
           const OpContext& context) {
  num_inputs_ = static_cast<int>(inputs.size());
  const CellPlan plan = plan_cell(g, layer, num_inputs_, context.space);
  num_nodes_ = plan.num_nodes;
  output_nodes_ = plan.output_nodes;
  live_inputs_.assign(plan.live.begin(), plan.live.begin() + num_inputs_);

  try {
    frame_ = std::make_unique<CellFrame>(layer, inputs, live_inputs_, context);
  } catch (const std::invalid_argument& err) {
    throw_cell_layer_error(g, layer, err.what());
  }
  for (int i = 0; i < num_inputs_; ++i)
    if (live_inputs_[i] && !frame_->input_problem(i).empty())
      throw_cell_layer_error(g, layer, frame_->input_problem(i));

  // Edges of live nodes, in node order, so forward can run them in sequence.
  for (int node = num_inputs_; node < num_nodes_; ++node) {
    if (!plan.live[node]) continue;
    for (const auto& e : g.edges_into(node)) {
      Edge edge{e.from, e.to, cell_edge_name(e.from, e.to, e.op), nullptr};
      try {
        edge.op = make_op(e.op, frame_->node_state(e.from).channels, frame_->width(),
                          frame_->edge_stride(e.from), context);
      } catch (const std::invalid_argument& err) {
        throw_cell_layer_error(g, layer, "edge " + to_string(e) + ": " + err.what());
      }
      edge.identity = is_identity_op(*edge.op);
      edges_.push_back(std::move(edge));
    }
  }

  frame_->build_output(static_cast<int>(output_nodes_.size()), context);
}

Tensor Cell::forward(const std::vector<Tensor>& inputs, Mode mode) {
  if (static_cast<int>(inputs.size()) != num_inputs_)
    throw std::invalid_argument("Cell::forward: expected " + std::to_string(num_inputs_) +
                                " inputs, got " + std::to_string(inputs.size()));
  NodeStates state = frame_->preprocess(inputs, live_inputs_, num_nodes_, mode);
  for (auto& e : edges_) {
    if (e.identity) accumulate(state.held(e.to), state[e.from]);
    else accumulate(state.held(e.to), e.op->forward(state[e.from], mode));
  }
  std::vector<Tensor> outs;
  for (int n : output_nodes_) outs.push_back(std::move(state.held(n)));
  return frame_->merge(std::move(outs), inputs.back(), mode);
}

std::vector<Tensor> Cell::backward(const Tensor& grad_output) {
  std::vector<Tensor> grad(static_cast<std::size_t>(num_nodes_));
  std::vector<Tensor> output_grads = frame_->merge_backward(grad_output);
  for (std::size_t k = 0; k < output_nodes_.size(); ++k)
    accumulate(grad[output_nodes_[k]], std::move(output_grads[k]));
  for (auto it = edges_.rbegin(); it != edges_.rend(); ++it) {
    if (it->identity) accumulate(grad[it->from], grad[it->to]);
    else accumulate(grad[it->from], it->op->backward(grad[it->to]));
  }
  grad.resize(static_cast<std::size_t>(num_inputs_));  // inputs unused by live nodes stay empty
  return frame_->input_backward(std::move(grad), grad_output);
}

std::vector<std::pair<std::string, Module*>> Cell::children() {
  std::vector<std::pair<std::string, Module*>> ops = frame_->preprocess_ops(live_inputs_);
  for (auto& e : edges_) ops.emplace_back(e.name, e.op.get());
  for (auto& op : frame_->shortcut_ops()) ops.push_back(op);
  return ops;
}

}  // namespace bitnas

#include "search_spaces/network.hpp"

#include <stdexcept>

#include "search_spaces/head.hpp"
#include "search_spaces/stems.hpp"

namespace bitnas {

Network::Network(const SearchSpaceConfig& space, const Genotype& genotype,
                 const InputSpec& input, Rng& rng)
    : input_(input), num_init_nodes_(space.num_init_nodes) {
  const OpContext context{space, rng};
  stem_ = make_stem(space.stem, input.channels, space.stem_channels(), context);
  std::vector<StateSpec> states(static_cast<std::size_t>(num_init_nodes_),
                                StateSpec{space.stem_channels(), 0});
  for (int layer = 0; layer < space.num_layers; ++layer) {
    const int group = space.cell_layout[layer];
    const CellGenotype* g = genotype.find_cell(group);
    if (!g)
      throw std::invalid_argument("genotype has no cell for group " + std::to_string(group) +
                                  " (layer " + std::to_string(layer) + " of cell_layout needs " +
                                  (space.is_reduce_group(group) ? "reduce_" : "normal_") +
                                  std::to_string(group) + ")");
    const std::vector<StateSpec> inputs(states.end() - num_init_nodes_, states.end());
    cells_.push_back(std::make_unique<Cell>(*g, layer, inputs, context));
    states.push_back(cells_.back()->output());
  }
  head_ = std::make_unique<Head>(states.back().channels, input.num_classes, space.head_relu, rng);
}

Tensor Network::forward(const Tensor& input, Mode mode) {
  if (input.rank() != 4 || input.dim(1) != input_.height || input.dim(2) != input_.width ||
      input.dim(3) != input_.channels)
    throw std::invalid_argument("Network::forward: expected NHWC images [N, " +
                                std::to_string(input_.height) + ", " +
                                std::to_string(input_.width) + ", " +
                                std::to_string(input_.channels) + "], got " +
                                input.shape_string());
  std::vector<Tensor> states(static_cast<std::size_t>(num_init_nodes_),
                             stem_->forward(input, mode));
  for (auto& cell : cells_) {
    const std::vector<Tensor> inputs(states.end() - num_init_nodes_, states.end());
    states.push_back(cell->forward(inputs, mode));
  }
  return head_->forward(states.back(), mode);
}

Tensor Network::backward(const Tensor& grad_output) {
  // grads[k]: gradient w.r.t. state k (the first num_init_nodes are all the stem output).
  const std::size_t first_cell_state = static_cast<std::size_t>(num_init_nodes_);
  std::vector<Tensor> grads(first_cell_state + cells_.size());
  grads.back() = head_->backward(grad_output);
  for (std::size_t c = cells_.size(); c-- > 0;) {
    const std::size_t out_state = first_cell_state + c;
    if (grads[out_state].empty()) continue;  // no later cell used it
    std::vector<Tensor> input_grads = cells_[c]->backward(grads[out_state]);
    for (int i = 0; i < num_init_nodes_; ++i) {
      Tensor& target = grads[out_state - num_init_nodes_ + i];
      const Tensor& g = input_grads[i];
      if (g.empty()) continue;
      if (target.empty()) target = g;
      else target.add_(g);
    }
  }
  Tensor stem_grad;
  for (std::size_t k = 0; k < first_cell_state; ++k) {
    if (grads[k].empty()) continue;
    if (stem_grad.empty()) stem_grad = std::move(grads[k]);
    else stem_grad.add_(grads[k]);
  }
  if (stem_grad.empty()) throw std::logic_error("Network::backward: the stem output was unused");
  return stem_->backward(stem_grad);
}

std::vector<std::pair<std::string, Module*>> Network::named_ops() {
  std::vector<std::pair<std::string, Module*>> ops;
  ops.emplace_back("stem", stem_.get());
  for (std::size_t c = 0; c < cells_.size(); ++c)
    for (auto& [name, op] : cells_[c]->children())
      ops.emplace_back("cells." + std::to_string(c) + "." + name, op);
  ops.emplace_back("head", head_.get());
  return ops;
}

}  // namespace bitnas

#include "search_spaces/network.hpp"

#include <stdexcept>

#include "ops/core/batch_slices.hpp"
#include "search_spaces/cell_chain.hpp"
#include "search_spaces/constant_sign_check.hpp"
#include "search_spaces/head.hpp"
#include "search_spaces/stems.hpp"

namespace bitnas {

Network::Network(const SearchSpaceConfig& space, const Genotype& genotype,
                 const InputSpec& input, Rng& rng)
    : input_(input), num_init_nodes_(space.num_init_nodes) {
  const OpContext context{space, rng};
  stem_ = make_stem(space.stem, input.channels, space.stem_channels(), context);
  const StateSpec last = chain_cells(
      StateSpec{space.stem_channels(), 0}, num_init_nodes_,
      static_cast<std::size_t>(space.num_layers),
      [&](std::size_t c, const std::vector<StateSpec>& inputs) {
        const int layer = static_cast<int>(c);
        const int group = space.cell_layout[layer];
        const CellGenotype* g = genotype.find_cell(group);
        if (!g)
          throw std::invalid_argument("genotype has no cell for group " + std::to_string(group) +
                                      " (layer " + std::to_string(layer) +
                                      " of cell_layout needs " +
                                      (space.is_reduce_group(group) ? "reduce_" : "normal_") +
                                      std::to_string(group) + ")");
        cells_.push_back(std::make_unique<Cell>(*g, layer, inputs, context));
        return cells_.back()->output();
      });
  head_ = std::make_unique<Head>(last.channels, input.num_classes, space.head_relu, rng);
  warn_about_constant_signs(*this);
}

void InputSpec::check(const Tensor& images, const char* who) const {
  if (images.rank() != 4 || images.dim(1) != height || images.dim(2) != width ||
      images.dim(3) != channels)
    throw std::invalid_argument(std::string(who) + ": expected NHWC images [N, " +
                                std::to_string(height) + ", " + std::to_string(width) + ", " +
                                std::to_string(channels) + "], got " + images.shape_string());
}

Tensor Network::forward(const Tensor& input, Mode mode) {
  input_.check(input, "Network::forward");
  auto run = [&](const Tensor& images) {
    const Tensor last =
        chain_cells(stem_->forward(images, mode), num_init_nodes_, cells_.size(),
                    [&](std::size_t c, const std::vector<Tensor>& inputs) {
                      return cells_[c]->forward(inputs, mode);
                    });
    return head_->forward(last, mode);
  };
  // Train-mode BN couples the images of a batch; eval mode does not, so it runs in slices.
  return mode == Mode::eval ? map_batch_slices(input, kEvalImagesPerSlice, run) : run(input);
}

Tensor Network::backward(const Tensor& grad_output) {
  const Tensor stem_grad = chain_cells_backward(
      head_->backward(grad_output), num_init_nodes_, cells_.size(),
      [&](std::size_t c, const Tensor& grad) { return cells_[c]->backward(grad); });
  // A built genotype always reads its inputs (no edge is dropped outside a supernet).
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

#include "search_spaces/supernet.hpp"

#include <stdexcept>

#include "ops/core/batch_slices.hpp"
#include "search_spaces/cell_chain.hpp"
#include "search_spaces/head.hpp"
#include "search_spaces/model_spec.hpp"
#include "search_spaces/stems.hpp"

namespace bitnas {

Supernet::Supernet(const SearchSpaceConfig& space, const InputSpec& input, Rng& rng,
                   bool affine_norms)
    : space_(space), input_(input), edges_(supernet_edges(space)) {
  group_first_row_.assign(static_cast<std::size_t>(space_.num_cell_groups), edges_.size());
  for (std::size_t e = edges_.size(); e-- > 0;) group_first_row_[edges_[e].group] = e;

  const OpContext context{space_, rng, affine_norms};
  stem_ = make_stem(space_.stem, input.channels, space_.stem_channels(), context);
  const StateSpec last = chain_cells(
      StateSpec{space_.stem_channels(), 0}, space_.num_init_nodes,
      static_cast<std::size_t>(space_.num_layers),
      [&](std::size_t c, const std::vector<StateSpec>& inputs) {
        cells_.push_back(std::make_unique<SupernetCell>(static_cast<int>(c), inputs, context));
        return cells_.back()->output();
      });
  head_ = std::make_unique<Head>(last.channels, input.num_classes, space_.head_relu, rng);
  weight_grads_.assign(edges_.size(), std::vector<float>(space_.primitives.size(), 0.0f));
}

std::span<const std::vector<float>> Supernet::rows_of(const EdgeWeights& rows,
                                                      std::size_t c) const {
  const std::size_t first = group_first_row_[space_.cell_layout[c]];
  return std::span<const std::vector<float>>(rows).subspan(first, cells_[c]->num_edges());
}

std::span<std::vector<float>> Supernet::rows_of(EdgeWeights& rows, std::size_t c) const {
  const std::size_t first = group_first_row_[space_.cell_layout[c]];
  return std::span<std::vector<float>>(rows).subspan(first, cells_[c]->num_edges());
}

void Supernet::set_genotype(const Genotype& genotype, const PathDrop& drop) {
  check_genotype_in_space(genotype, space_);
  std::vector<CellSelection> selections;
  for (auto& cell : cells_) {
    CellSelection s = cell->plan_path(genotype.cell(space_.cell_layout[cell->layer()]));
    if (drop)
      std::erase_if(s.terms, [&](const SupernetTerm& t) {
        return drop(space_.primitives[static_cast<std::size_t>(t.primitive)]);
      });
    selections.push_back(std::move(s));
  }
  for (std::size_t c = 0; c < cells_.size(); ++c) cells_[c]->select(std::move(selections[c]));
  genotype_ = genotype;
  selected_ = true;
  mixture_ = false;
  for (auto& row : weight_grads_) std::fill(row.begin(), row.end(), 0.0f);
}

void Supernet::set_edge_weights(const EdgeWeights& weights) {
  if (weights.size() != edges_.size())
    throw std::invalid_argument("edge weights: " + std::to_string(weights.size()) +
                                " rows, but the space has " + std::to_string(edges_.size()) +
                                " supernet edges (see supernet_edges)");
  std::vector<CellSelection> selections;
  for (std::size_t c = 0; c < cells_.size(); ++c)
    selections.push_back(cells_[c]->plan_mixture(rows_of(weights, c)));
  for (std::size_t c = 0; c < cells_.size(); ++c) cells_[c]->select(std::move(selections[c]));
  genotype_.reset();
  selected_ = true;
  mixture_ = true;
  for (auto& row : weight_grads_) std::fill(row.begin(), row.end(), 0.0f);
}

Tensor Supernet::forward(const Tensor& images, Mode mode) {
  input_.check(images, "Supernet::forward");
  if (!selected_)
    throw std::logic_error("Supernet::forward: call set_genotype or set_edge_weights first");
  auto run = [&](const Tensor& slice) {
    const Tensor last =
        chain_cells(stem_->forward(slice, mode), space_.num_init_nodes, cells_.size(),
                    [&](std::size_t c, const std::vector<Tensor>& inputs) {
                      return cells_[c]->forward(inputs, mode);
                    });
    return head_->forward(last, mode);
  };
  // As Network::forward: eval mode, where images do not interact, runs in slices.
  return mode == Mode::eval ? map_batch_slices(images, kEvalImagesPerSlice, run) : run(images);
}

Tensor Supernet::backward(const Tensor& grad_logits) {
  const Tensor stem_grad = chain_cells_backward(
      head_->backward(grad_logits), space_.num_init_nodes, cells_.size(),
      [&](std::size_t c, const Tensor& grad) { return cells_[c]->backward(grad); });
  // Path dropout can zero every edge leaving the stem: then nothing reaches the stem or the
  // images, and the stem's gradients stay as the caller left them (zero).
  const Tensor grad_images = stem_grad.empty() ? Tensor() : stem_->backward(stem_grad);
  for (auto& row : weight_grads_) std::fill(row.begin(), row.end(), 0.0f);
  if (mixture_)
    for (std::size_t c = 0; c < cells_.size(); ++c)
      cells_[c]->add_weight_gradients(rows_of(weight_grads_, c));
  return grad_images;
}

namespace {

// Appends a cell's ops as "cells.<c>.<name>".
void add_cell_ops(std::size_t c, const std::vector<std::pair<std::string, Module*>>& cell_ops,
                  std::vector<std::pair<std::string, Module*>>& ops) {
  for (const auto& [name, op] : cell_ops) ops.emplace_back("cells." + std::to_string(c) + "." + name, op);
}

}  // namespace

std::vector<std::pair<std::string, Module*>> Supernet::named_ops() {
  std::vector<std::pair<std::string, Module*>> ops;
  ops.emplace_back("stem", stem_.get());
  for (std::size_t c = 0; c < cells_.size(); ++c) add_cell_ops(c, cells_[c]->children(), ops);
  ops.emplace_back("head", head_.get());
  return ops;
}

std::vector<std::pair<std::string, Module*>> Supernet::active_ops() {
  std::vector<std::pair<std::string, Module*>> ops;
  ops.emplace_back("stem", stem_.get());
  for (std::size_t c = 0; c < cells_.size(); ++c)
    add_cell_ops(c, cells_[c]->active_children(), ops);
  ops.emplace_back("head", head_.get());
  return ops;
}

std::vector<NamedParameter> Supernet::active_parameters() {
  std::vector<NamedParameter> out;
  collect_child_parameters(active_ops(), "", out);
  return out;
}

std::vector<NamedBuffer> Supernet::active_buffers() {
  std::vector<NamedBuffer> out;
  collect_child_buffers(active_ops(), "", out);
  return out;
}

}  // namespace bitnas

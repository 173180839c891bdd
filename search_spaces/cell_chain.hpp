#pragma once
// How the cells of a network are chained (docs/DESIGN.md, The cell space: macro skeleton): each
// cell reads the outputs of the previous num_init_nodes cells, oldest first, the stem output
// standing in for them at the start. One rule for building (state shapes) and running (tensors),
// for Network and Supernet alike.
#include <cstddef>
#include <functional>
#include <vector>

#include "ops/core/tensor.hpp"

namespace bitnas {

// Calls step(c, inputs) for cells c = 0..num_cells-1, where inputs are the num_init_nodes
// latest states (the stem output standing in for missing ones) and step returns cell c's
// output. Returns the last state. Only the window of the latest states is kept, and states
// move through it, so no activation is copied and none outlives the cells that read it.
template <typename State, typename Step>
State chain_cells(State stem, int num_init_nodes, std::size_t num_cells, Step&& step) {
  std::vector<State> window(static_cast<std::size_t>(num_init_nodes));
  for (std::size_t k = 0; k + 1 < window.size(); ++k) window[k] = stem;
  window.back() = std::move(stem);
  for (std::size_t c = 0; c < num_cells; ++c) {
    State out = step(c, static_cast<const std::vector<State>&>(window));
    window.erase(window.begin());
    window.push_back(std::move(out));
  }
  return std::move(window.back());
}

// Backward of chain_cells on tensors: given the gradient of the last cell's output,
// step_backward(c, grad of cell c's output) returns the gradients of cell c's inputs (empty:
// input unused). Cells whose output no later cell used are not called. Returns the gradient of
// the stem output, empty if nothing used it (a supernet path whose every edge leaving the stem
// was dropped).
Tensor chain_cells_backward(
    const Tensor& last_output_grad, int num_init_nodes, std::size_t num_cells,
    const std::function<std::vector<Tensor>(std::size_t, const Tensor&)>& step_backward);

}  // namespace bitnas

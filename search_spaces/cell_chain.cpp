#include "search_spaces/cell_chain.hpp"

#include "search_spaces/cell_frame.hpp"

namespace bitnas {

Tensor chain_cells_backward(
    const Tensor& last_output_grad, int num_init_nodes, std::size_t num_cells,
    const std::function<std::vector<Tensor>(std::size_t, const Tensor&)>& step_backward) {
  // grads[k]: gradient w.r.t. state k (the first num_init_nodes are all the stem output).
  const std::size_t first_cell_state = static_cast<std::size_t>(num_init_nodes);
  std::vector<Tensor> grads(first_cell_state + num_cells);
  grads.back() = last_output_grad;
  for (std::size_t c = num_cells; c-- > 0;) {
    const std::size_t out_state = first_cell_state + c;
    if (grads[out_state].empty()) continue;  // no later cell used it
    std::vector<Tensor> input_grads = step_backward(c, grads[out_state]);
    grads[out_state] = Tensor();  // its last use
    for (int i = 0; i < num_init_nodes; ++i) {
      Tensor& target = grads[out_state - num_init_nodes + i];
      if (!input_grads[i].empty()) accumulate(target, std::move(input_grads[i]));
    }
  }
  Tensor stem_grad;
  for (std::size_t k = 0; k < first_cell_state; ++k)
    if (!grads[k].empty()) accumulate(stem_grad, std::move(grads[k]));
  return stem_grad;
}

}  // namespace bitnas

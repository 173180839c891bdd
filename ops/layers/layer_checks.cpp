#include "ops/layers/layer_checks.hpp"

#include <stdexcept>

namespace bitnas {

void require_rank_one_of(const Tensor& t, std::initializer_list<int> ranks, const std::string& op) {
  std::string allowed;
  for (int r : ranks) {
    if (t.rank() == r) return;
    allowed += (allowed.empty() ? "" : " or ") + std::to_string(r);
  }
  throw std::invalid_argument(op + ": expected a rank-" + allowed + " tensor, got shape " +
                              t.shape_string());
}

void require_channels(const Tensor& t, int channels, const std::string& op) {
  if (t.rank() == 0 || t.dim(-1) != channels)
    throw std::invalid_argument(op + ": expected " + std::to_string(channels) +
                                " channels (last dimension), got shape " + t.shape_string());
}

void require_train_forward(bool has_state, const std::string& op) {
  if (!has_state)
    throw std::logic_error(op + ": backward called without a train-mode forward before it");
}

void require_grad_shape(const Tensor& grad_output, const Shape& output_shape,
                        const std::string& op) {
  if (grad_output.shape() != output_shape)
    throw std::invalid_argument(op + ": gradient shape " + grad_output.shape_string() +
                                " does not match the output shape " + shape_string(output_shape));
}

void require_argument(bool ok, const std::string& op, const std::string& what) {
  if (!ok) throw std::invalid_argument(op + ": " + what);
}

}  // namespace bitnas

#include "ops/layers/identity.hpp"

#include "ops/layers/layer_checks.hpp"

namespace bitnas {

Tensor Identity::forward(const Tensor& input, Mode mode) {
  has_state_ = mode == Mode::train;
  output_shape_ = input.shape();
  return input;
}

Tensor Identity::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  require_grad_shape(grad_output, output_shape_, type_name());
  return grad_output;
}

bool is_identity_op(const Module& op) { return dynamic_cast<const Identity*>(&op) != nullptr; }

}  // namespace bitnas

#include "ops/layers/add.hpp"

#include "ops/layers/layer_checks.hpp"
#include "ops/layers/sum_inputs.hpp"

namespace bitnas {

Tensor Add::forward(const std::vector<Tensor>& inputs, Mode mode) {
  Tensor y = sum_inputs(inputs, 1.0f, "Add");
  has_state_ = mode == Mode::train;
  shape_ = y.shape();
  count_ = inputs.size();
  return y;
}

std::vector<Tensor> Add::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  require_grad_shape(grad_output, shape_, type_name());
  return spread_sum_gradient(grad_output, count_, 1.0f);
}

}  // namespace bitnas

#include "ops/layers/relu.hpp"

#include <algorithm>

#include "ops/layers/layer_checks.hpp"
#include "ops/layers/row_parallel.hpp"

namespace bitnas {

Tensor ReLU::forward(const Tensor& input, Mode mode) {
  Tensor y(input.shape());
  const float* x = input.data();
  float* out = y.data();
  for_each_row_block(input.numel(), 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) out[i] = std::max(x[i], 0.0f);
  });
  has_state_ = mode == Mode::train;
  output_ = has_state_ ? y : Tensor();
  return y;
}

Tensor ReLU::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  require_grad_shape(grad_output, output_.shape(), type_name());
  Tensor dx(grad_output.shape());
  const float* y = output_.data();
  const float* dy = grad_output.data();
  float* out = dx.data();
  for_each_row_block(dx.numel(), 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) out[i] = y[i] > 0.0f ? dy[i] : 0.0f;
  });
  return dx;
}

}  // namespace bitnas

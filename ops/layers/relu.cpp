#include "ops/layers/relu.hpp"

#include <algorithm>

#include "ops/layers/layer_checks.hpp"
#include "ops/layers/row_parallel.hpp"

namespace bitnas {

Tensor ReLU::forward(const Tensor& input, Mode mode) {
  Tensor y = Tensor::uninitialized(input.shape());
  has_state_ = mode == Mode::train;
  shape_ = input.shape();
  positive_ = Mask();  // (= {} would keep the old capacity)
  if (has_state_) positive_.resize(static_cast<std::size_t>(input.numel()));
  const float* x = input.data();
  float* out = y.data();
  std::uint8_t* mask = has_state_ ? positive_.data() : nullptr;
  for_each_row_block(input.numel(), 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) out[i] = std::max(x[i], 0.0f);
    if (mask)
      for (std::int64_t i = b; i < e; ++i) mask[i] = out[i] > 0.0f;
  });
  return y;
}

Tensor ReLU::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  require_grad_shape(grad_output, shape_, type_name());
  Tensor dx = Tensor::uninitialized(grad_output.shape());
  const std::uint8_t* mask = positive_.data();
  const float* dy = grad_output.data();
  float* out = dx.data();
  for_each_row_block(dx.numel(), 1, [&](std::int64_t b, std::int64_t e) {
    // Both operands loaded unconditionally, so the select vectorises.
    for (std::int64_t i = b; i < e; ++i) {
      const float g = dy[i];
      out[i] = mask[i] ? g : 0.0f;
    }
  });
  // Backward is the mask's last use.
  positive_ = Mask();
  has_state_ = false;
  return dx;
}

}  // namespace bitnas

#include "ops/layers/zero.hpp"

#include "ops/layers/layer_checks.hpp"

namespace bitnas {

Zero::Zero(int stride) : stride_(stride) {
  require_argument(stride >= 1, "Zero", "stride must be >= 1, got " + std::to_string(stride));
}

Tensor Zero::forward(const Tensor& input, Mode mode) {
  Shape shape = input.shape();
  if (stride_ > 1) {
    require_rank(input, 4, "Zero");
    shape[1] = (shape[1] + stride_ - 1) / stride_;
    shape[2] = (shape[2] + stride_ - 1) / stride_;
  }
  has_state_ = mode == Mode::train;
  input_shape_ = input.shape();
  output_shape_ = shape;
  return Tensor(std::move(shape));
}

Tensor Zero::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  require_grad_shape(grad_output, output_shape_, type_name());
  return Tensor(input_shape_);
}

}  // namespace bitnas

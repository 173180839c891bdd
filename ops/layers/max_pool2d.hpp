#pragma once
// Max pooling on NHWC tensors, PyTorch's nn.MaxPool2d: padding never wins (it is -inf), the
// first maximum in window order takes a tie, and NaN propagates. Backward routes each output
// gradient to the input tap that won.
#include <cstdint>
#include <vector>

#include "ops/core/module.hpp"
#include "ops/layers/pool_geometry.hpp"

namespace bitnas {

class MaxPool2d : public Module {
 public:
  // e.g. MaxPool2d({.kernel = 3, .stride = 2, .padding = 1})
  explicit MaxPool2d(PoolWindow window);

  std::string type_name() const override { return "MaxPool2d"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;
  const PoolWindow& window() const { return window_; }

 private:
  PoolWindow window_;
  // From the last train-mode forward: per output element, the winning pixel (iy * W + ix) of
  // its image.
  PoolGeometry geometry_;
  AlignedVector<std::int32_t> argmax_;  // of the last train-mode forward, until its backward
  bool has_state_ = false;
};

}  // namespace bitnas

#pragma once
// Average pooling on NHWC tensors, PyTorch's nn.AvgPool2d: with count_include_pad (the
// default) a window divides by the taps it covers including padding; without it, by the real
// input taps only.
#include "ops/core/module.hpp"
#include "ops/layers/pool_geometry.hpp"

namespace bitnas {

class AvgPool2d : public Module {
 public:
  // e.g. AvgPool2d({.kernel = 3, .stride = 1, .padding = 1}, false)
  explicit AvgPool2d(PoolWindow window, bool count_include_pad = true);

  std::string type_name() const override { return "AvgPool2d"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;
  const PoolWindow& window() const { return window_; }
  bool count_include_pad() const { return count_include_pad_; }

 private:
  float divisor(const PoolSpan& ys, const PoolSpan& xs) const;

  PoolWindow window_;
  bool count_include_pad_;
  PoolGeometry geometry_;  // of the last train-mode forward
  bool has_state_ = false;
};

}  // namespace bitnas

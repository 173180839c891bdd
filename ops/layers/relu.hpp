#pragma once
// max(x, 0), elementwise on a tensor of any shape. The gradient at exactly 0 is 0 (PyTorch).
#include <cstdint>
#include <vector>

#include "ops/core/module.hpp"

namespace bitnas {

class ReLU : public Module {
 public:
  ReLU() = default;
  std::string type_name() const override { return "ReLU"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;

 private:
  // output > 0 of the last train-mode forward, one byte per value (a quarter of a copy of the
  // output), until its backward.
  using Mask = std::vector<std::uint8_t, DefaultInitAlignedAllocator<std::uint8_t>>;
  Mask positive_;
  Shape shape_;
  bool has_state_ = false;
};

}  // namespace bitnas

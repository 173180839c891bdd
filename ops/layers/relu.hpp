#pragma once
// max(x, 0), elementwise on a tensor of any shape. The gradient at exactly 0 is 0 (PyTorch).
#include "ops/core/module.hpp"

namespace bitnas {

class ReLU : public Module {
 public:
  ReLU() = default;
  std::string type_name() const override { return "ReLU"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;

 private:
  Tensor output_;  // the mask of the last train-mode forward is output_ > 0
  bool has_state_ = false;
};

}  // namespace bitnas

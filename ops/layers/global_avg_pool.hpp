#pragma once
// Mean over all pixels of an NHWC tensor: [N, H, W, C] -> [N, C], the head's pooling.
#include "ops/core/module.hpp"

namespace bitnas {

class GlobalAvgPool : public Module {
 public:
  GlobalAvgPool() = default;
  std::string type_name() const override { return "GlobalAvgPool"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;

 private:
  Shape input_shape_;
  bool has_state_ = false;
};

}  // namespace bitnas

#pragma once
// Passes its input through: the stride-1 `skip_connect` and the `identity` preprocess.
#include "ops/core/module.hpp"

namespace bitnas {

class Identity : public Module {
 public:
  Identity() = default;
  std::string type_name() const override { return "Identity"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;

 private:
  Shape output_shape_;
  bool has_state_ = false;
};

}  // namespace bitnas

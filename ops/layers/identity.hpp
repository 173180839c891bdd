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

// True for an Identity: callers that would add its output to a sum (a cell node, a unit's
// shortcut) add the input itself instead of a copy, forward and backward.
bool is_identity_op(const Module& op);

}  // namespace bitnas

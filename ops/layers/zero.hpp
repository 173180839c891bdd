#pragma once
// The `none` candidate op: zeros shaped like the output the edge would have. With stride s > 1
// the input must be NHWC and the output is [N, ceil(H/s), ceil(W/s), C], the size a stride-s
// op on that edge produces (DARTS `Zero(stride)` slices x[:, :, ::s, ::s]).
#include "ops/core/module.hpp"

namespace bitnas {

class Zero : public Module {
 public:
  explicit Zero(int stride = 1);
  std::string type_name() const override { return "Zero"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;
  int stride() const { return stride_; }

 private:
  int stride_;
  Shape input_shape_, output_shape_;
  bool has_state_ = false;
};

}  // namespace bitnas

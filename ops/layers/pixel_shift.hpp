#pragma once
// The one-pixel shift of DARTS' factorized reduce (x[:, :, 1:, 1:] padded back to size):
// out[n, y, x, c] = in[n, y+1, x+1, c], zero where y+1 or x+1 falls outside. NHWC, same shape,
// so a stride-2 op after it samples the odd pixels the unshifted branch skips.
#include "ops/core/module.hpp"

namespace bitnas {

class PixelShift : public Module {
 public:
  PixelShift() = default;
  std::string type_name() const override { return "PixelShift"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;

 private:
  Shape shape_;
  bool has_state_ = false;
};

}  // namespace bitnas

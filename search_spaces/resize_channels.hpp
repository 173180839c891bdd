#pragma once
// Changes the channel count (last dimension) without parameters: the first min(c_in, c_out)
// channels pass through, appended channels are zero, surplus input channels are dropped.
// ResNet option A's "zero channels appended" (c_out > c_in), and the `none` op's output width.
#include "ops/core/module.hpp"

namespace bitnas {

class ResizeChannels : public Module {
 public:
  ResizeChannels(int in_channels, int out_channels);

  std::string type_name() const override { return "ResizeChannels"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;

  int in_channels() const { return in_channels_; }
  int out_channels() const { return out_channels_; }

 private:
  int in_channels_, out_channels_;
  Shape output_shape_;  // of the last train-mode forward
  bool has_state_ = false;
};

}  // namespace bitnas

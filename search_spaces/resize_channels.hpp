#pragma once
// Changes the channel count (last dimension) without parameters: the first min(c_in, c_out)
// channels pass through, surplus input channels are dropped, and appended channels are zero
// (ResNet option A; the `none` op's output width) or repeat the input's channels cyclically
// (output channel c = input channel c mod c_in: a parameter-free skip that widens without
// feeding constant zeros to the sign of a following binary conv).
enum class ChannelFill { zeros, repeat };
#include "ops/core/module.hpp"

namespace bitnas {

class ResizeChannels : public Module {
 public:
  ResizeChannels(int in_channels, int out_channels, ChannelFill fill = ChannelFill::zeros);

  std::string type_name() const override { return "ResizeChannels"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;

  int in_channels() const { return in_channels_; }
  int out_channels() const { return out_channels_; }

 private:
  int in_channels_, out_channels_;
  ChannelFill fill_;
  Shape output_shape_;  // of the last train-mode forward
  bool has_state_ = false;
};

}  // namespace bitnas

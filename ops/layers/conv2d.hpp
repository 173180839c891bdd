#pragma once
// Full-precision 2-D convolution on NHWC tensors with OHWI weights (square kernel), the
// stem / 1x1 downsample / factorized-reduce conv. Initialised like PyTorch's nn.Conv2d:
// weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = kernel*kernel*in/groups.
#include "ops/core/module.hpp"
#include "ops/core/random.hpp"
#include "ops/kernels/conv_geometry.hpp"

namespace bitnas {

struct Conv2dOptions {
  int stride = 1;
  int padding = 0;
  int dilation = 1;
  int groups = 1;
  bool bias = false;  // every conv here is followed by BN, which makes a bias redundant
};

class Conv2d : public Module {
 public:
  // e.g. Conv2d(3, 64, 3, rng, {.stride = 2, .padding = 1})
  Conv2d(int in_channels, int out_channels, int kernel, Rng& rng, Conv2dOptions options = {});

  std::string type_name() const override { return "Conv2d"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;
  void collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) override;

  int in_channels() const { return in_channels_; }
  int out_channels() const { return out_channels_; }
  int kernel() const { return kernel_; }
  const Conv2dOptions& options() const { return options_; }
  Parameter& weight() { return weight_; }
  Parameter* bias() { return options_.bias ? &bias_ : nullptr; }
  // Geometry of this conv applied to an NHWC input of `input_shape`; validates both.
  ConvGeometry geometry(const Shape& input_shape) const;
  // Shape of the input of the last forward (train or eval); empty before the first. Cost
  // accounting reads the output size from it.
  const Shape& last_input_shape() const { return last_input_shape_; }

 private:
  int in_channels_, out_channels_, kernel_;
  Conv2dOptions options_;
  Parameter weight_;  // [out][kernel][kernel][in/groups]
  Parameter bias_;    // [out], only with options_.bias
  Tensor input_;      // of the last train-mode forward
  bool has_state_ = false;
  Shape last_input_shape_;
};

}  // namespace bitnas

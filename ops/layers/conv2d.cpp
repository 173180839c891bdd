#include "ops/layers/conv2d.hpp"

#include <algorithm>
#include <stdexcept>

#include "ops/kernels/float_conv.hpp"
#include "ops/layers/layer_checks.hpp"
#include "ops/layers/row_parallel.hpp"

namespace bitnas {

Conv2d::Conv2d(int in_channels, int out_channels, int kernel, Rng& rng, Conv2dOptions options)
    : in_channels_(in_channels), out_channels_(out_channels), kernel_(kernel), options_(options) {
  // A 1x1 probe input validates every setting with ConvGeometry's own rules, except the
  // output size, which depends on the real input.
  ConvGeometry probe;
  probe.in_c = in_channels;
  probe.out_c = out_channels;
  probe.kernel = kernel;
  probe.stride = options.stride;
  probe.padding = options.padding;
  probe.dilation = options.dilation;
  probe.groups = options.groups;
  probe.in_h = probe.in_w = std::max(1, options.dilation * (kernel - 1) + 1);
  try {
    probe.validate();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("Conv2d: ") + e.what());
  }
  const int fan_in = probe.k_per_group();
  weight_ = Parameter(Tensor(probe.weight_shape()), ParamRole::weight);
  fill_fan_in_uniform(weight_.value, rng, fan_in);
  if (options.bias) {
    bias_ = Parameter(Tensor({out_channels}), ParamRole::bias);
    fill_fan_in_uniform(bias_.value, rng, fan_in);
  }
}

ConvGeometry Conv2d::geometry(const Shape& input_shape) const {
  try {
    return ConvGeometry::for_input(input_shape, out_channels_, kernel_, options_.stride,
                                   options_.padding, options_.dilation, options_.groups);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("Conv2d: ") + e.what());
  }
}

Tensor Conv2d::forward(const Tensor& input, Mode mode) {
  require_rank(input, 4, "Conv2d");
  require_channels(input, in_channels_, "Conv2d");
  Tensor y = float_conv_forward(input, weight_.value, geometry(input.shape()));
  if (options_.bias) {
    const float* b = bias_.value.data();
    const int C = out_channels_;
    for_each_row_block(y.numel() / C, C, [&](std::int64_t r0, std::int64_t r1) {
      for (std::int64_t r = r0; r < r1; ++r) {
        float* row = y.data() + r * C;
        for (int c = 0; c < C; ++c) row[c] += b[c];
      }
    });
  }
  has_state_ = mode == Mode::train;
  input_ = has_state_ ? input : Tensor();
  last_input_shape_ = input.shape();
  return y;
}

Tensor Conv2d::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  const ConvGeometry g = geometry(input_.shape());
  require_grad_shape(grad_output, g.output_shape(), type_name());
  Tensor dx;
  float_conv_backward(input_, weight_.value, grad_output, g, 0.0f, &dx, &weight_.grad);
  if (options_.bias) {
    const int C = out_channels_;
    const float* dy = grad_output.data();
    const std::vector<double> db =
        column_sums(grad_output.numel() / C, C, [&](std::int64_t r0, std::int64_t r1, double* acc) {
          for (std::int64_t r = r0; r < r1; ++r)
            for (int c = 0; c < C; ++c) acc[c] += dy[r * C + c];
        });
    for (int c = 0; c < C; ++c) bias_.grad[c] += static_cast<float>(db[c]);
  }
  // Backward is the saved input's last use.
  input_ = Tensor();
  has_state_ = false;
  return dx;
}

void Conv2d::collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) {
  out.push_back({prefix + "weight", &weight_});
  if (options_.bias) out.push_back({prefix + "bias", &bias_});
}

}  // namespace bitnas

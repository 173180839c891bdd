#include "ops/layers/xnor_k_map.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "ops/kernels/float_conv.hpp"
#include "ops/layers/row_parallel.hpp"
#include "ops/layers/sign_estimators.hpp"

namespace bitnas {

namespace {

// The conv's geometry with one input and one output channel: the box filter runs on A.
ConvGeometry single_channel(const ConvGeometry& g) {
  ConvGeometry k = g;
  k.in_c = 1;
  k.out_c = 1;
  k.groups = 1;
  return k;
}

Tensor box_filter(int kernel) {
  return Tensor({1, kernel, kernel, 1}, 1.0f / static_cast<float>(kernel * kernel));
}

Tensor mean_abs_over_channels(const Tensor& x) {
  const int c = x.dim(3);
  Tensor a({x.dim(0), x.dim(1), x.dim(2), 1});
  for_each_row_block(a.numel(), c, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t p = b; p < e; ++p) {
      const float* row = x.data() + p * c;
      float sum = 0.0f;
      for (int i = 0; i < c; ++i) sum += std::abs(row[i]);
      a[p] = sum / static_cast<float>(c);
    }
  });
  return a;
}

void require_input(const Tensor& x, const ConvGeometry& g, const char* what) {
  if (x.shape() != g.input_shape())
    throw std::invalid_argument(std::string(what) + ": input shape " + x.shape_string() +
                                " does not match " + g.to_string());
}

}  // namespace

Tensor xnor_k_map(const Tensor& x, const ConvGeometry& g) {
  require_input(x, g, "xnor_k_map");
  const ConvGeometry k = single_channel(g);
  return float_conv_forward(mean_abs_over_channels(x), box_filter(g.kernel), k, 0.0f);
}

void xnor_k_map_backward(const Tensor& x, const ConvGeometry& g, const Tensor& grad_k,
                         Tensor& grad_x) {
  require_input(x, g, "xnor_k_map_backward");
  require_same_shape(x, grad_x, "xnor_k_map_backward");
  const ConvGeometry k = single_channel(g);
  Tensor grad_a;
  float_conv_backward(mean_abs_over_channels(x), box_filter(g.kernel), grad_k, k, 0.0f, &grad_a,
                      nullptr);
  const int c = x.dim(3);
  const float inv_c = 1.0f / static_cast<float>(c);
  for_each_row_block(grad_a.numel(), c, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t p = b; p < e; ++p) {
      const float ga = grad_a[p] * inv_c;
      for (int i = 0; i < c; ++i) grad_x[p * c + i] += ga * binary_sign(x[p * c + i]);
    }
  });
}

}  // namespace bitnas

#include "ops/layers/max_pool2d.hpp"

#include <tbb/parallel_for.h>

#include <cmath>

#include "ops/layers/layer_checks.hpp"
#include "ops/layers/row_parallel.hpp"

namespace bitnas {

MaxPool2d::MaxPool2d(PoolWindow window) : window_(window) { window_.validate("MaxPool2d"); }

Tensor MaxPool2d::forward(const Tensor& input, Mode mode) {
  const PoolGeometry g = PoolGeometry::for_input(input, window_, "MaxPool2d");
  Tensor y = Tensor::uninitialized(g.output_shape());  // every window writes its outputs
  has_state_ = mode == Mode::train;
  geometry_ = g;
  if (has_state_)
    argmax_.assign(static_cast<std::size_t>(y.numel()), 0);
  else
    argmax_ = AlignedVector<std::int32_t>();
  std::int32_t* argmax = has_state_ ? argmax_.data() : nullptr;
  const int C = g.channels, W = g.cols.in;
  for_each_row_block(
      static_cast<std::int64_t>(g.batch) * g.rows.out,
      static_cast<std::int64_t>(g.cols.out) * C * window_.kernel * window_.kernel,
      [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t row = b; row < e; ++row) {
          const int n = static_cast<int>(row / g.rows.out), oy = static_cast<int>(row % g.rows.out);
          const PoolSpan ys = g.rows.span(oy);
          for (int ox = 0; ox < g.cols.out; ++ox) {
            const PoolSpan xs = g.cols.span(ox);
            const std::int64_t o = g.output_offset(n, oy, ox);
            float* best = y.data() + o;
            // Windows are never empty (PoolAxis guarantees it), so the first tap seeds the max.
            const float* first = input.data() + g.input_offset(n, ys.begin, xs.begin);
            for (int c = 0; c < C; ++c) best[c] = first[c];
            if (argmax)
              for (int c = 0; c < C; ++c) argmax[o + c] = ys.begin * W + xs.begin;
            for (int iy = ys.begin; iy < ys.end; ++iy)
              for (int ix = xs.begin; ix < xs.end; ++ix) {
                const float* in = input.data() + g.input_offset(n, iy, ix);
                for (int c = 0; c < C; ++c)
                  if (in[c] > best[c] || (std::isnan(in[c]) && !std::isnan(best[c]))) {
                    best[c] = in[c];
                    if (argmax) argmax[o + c] = iy * W + ix;
                  }
              }
          }
        }
      });
  return y;
}

Tensor MaxPool2d::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  const PoolGeometry& g = geometry_;
  require_grad_shape(grad_output, g.output_shape(), type_name());
  Tensor dx(g.input_shape());
  const int C = g.channels;
  const std::int64_t out_image = static_cast<std::int64_t>(g.rows.out) * g.cols.out * C;
  const std::int64_t in_image = static_cast<std::int64_t>(g.rows.in) * g.cols.in * C;
  // Overlapping windows can pick the same tap, so each image is one task.
  tbb::parallel_for(0, g.batch, [&](int n) {
    const float* dy = grad_output.data() + n * out_image;
    const std::int32_t* arg = argmax_.data() + n * out_image;
    float* d = dx.data() + n * in_image;
    for (std::int64_t i = 0; i < out_image; ++i)
      d[static_cast<std::int64_t>(arg[i]) * C + i % C] += dy[i];
  });
  argmax_ = AlignedVector<std::int32_t>();  // backward is its last use
  has_state_ = false;
  return dx;
}

}  // namespace bitnas

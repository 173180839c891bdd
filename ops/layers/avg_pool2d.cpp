#include "ops/layers/avg_pool2d.hpp"

#include <tbb/parallel_for.h>

#include "ops/layers/layer_checks.hpp"
#include "ops/layers/row_parallel.hpp"

namespace bitnas {

AvgPool2d::AvgPool2d(PoolWindow window, bool count_include_pad)
    : window_(window), count_include_pad_(count_include_pad) {
  window_.validate("AvgPool2d");
}

float AvgPool2d::divisor(const PoolSpan& ys, const PoolSpan& xs) const {
  if (count_include_pad_) return static_cast<float>(ys.padded_size * xs.padded_size);
  return static_cast<float>((ys.end - ys.begin) * (xs.end - xs.begin));
}

Tensor AvgPool2d::forward(const Tensor& input, Mode mode) {
  const PoolGeometry g = PoolGeometry::for_input(input, window_, "AvgPool2d");
  Tensor y(g.output_shape());
  const int C = g.channels;
  // One task row = one output row of one image; outputs never overlap.
  for_each_row_block(static_cast<std::int64_t>(g.batch) * g.rows.out,
                     static_cast<std::int64_t>(g.cols.out) * C * window_.kernel * window_.kernel,
                     [&](std::int64_t b, std::int64_t e) {
                       for (std::int64_t row = b; row < e; ++row) {
                         const int n = static_cast<int>(row / g.rows.out),
                                   oy = static_cast<int>(row % g.rows.out);
                         const PoolSpan ys = g.rows.span(oy);
                         for (int ox = 0; ox < g.cols.out; ++ox) {
                           const PoolSpan xs = g.cols.span(ox);
                           float* out = y.data() + g.output_offset(n, oy, ox);
                           for (int iy = ys.begin; iy < ys.end; ++iy)
                             for (int ix = xs.begin; ix < xs.end; ++ix) {
                               const float* in = input.data() + g.input_offset(n, iy, ix);
                               for (int c = 0; c < C; ++c) out[c] += in[c];
                             }
                           const float inv = 1.0f / divisor(ys, xs);
                           for (int c = 0; c < C; ++c) out[c] *= inv;
                         }
                       }
                     });
  has_state_ = mode == Mode::train;
  geometry_ = g;
  return y;
}

Tensor AvgPool2d::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  const PoolGeometry& g = geometry_;
  require_grad_shape(grad_output, g.output_shape(), type_name());
  Tensor dx(g.input_shape());
  const int C = g.channels;
  // Windows of one image overlap, so each image is one task.
  tbb::parallel_for(0, g.batch, [&](int n) {
    for (int oy = 0; oy < g.rows.out; ++oy) {
      const PoolSpan ys = g.rows.span(oy);
      for (int ox = 0; ox < g.cols.out; ++ox) {
        const PoolSpan xs = g.cols.span(ox);
        const float inv = 1.0f / divisor(ys, xs);
        const float* dy = grad_output.data() + g.output_offset(n, oy, ox);
        for (int iy = ys.begin; iy < ys.end; ++iy)
          for (int ix = xs.begin; ix < xs.end; ++ix) {
            float* d = dx.data() + g.input_offset(n, iy, ix);
            for (int c = 0; c < C; ++c) d[c] += dy[c] * inv;
          }
      }
    }
  });
  return dx;
}

}  // namespace bitnas

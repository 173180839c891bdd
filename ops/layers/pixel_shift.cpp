#include "ops/layers/pixel_shift.hpp"

#include <cstring>

#include "ops/layers/layer_checks.hpp"
#include "ops/layers/row_parallel.hpp"

namespace bitnas {

namespace {

// Copies pixel (y + d, x + d) of `from` to pixel (y, x) of `to` wherever both exist; `to`
// starts zeroed. d = 1 is the forward shift, d = -1 its adjoint (the backward).
void shift_pixels(const Tensor& from, Tensor& to, int d) {
  const int H = from.dim(1), W = from.dim(2), C = from.dim(3);
  auto offset = [&](std::int64_t n, int y, int x) { return ((n * H + y) * W + x) * C; };
  const std::int64_t image_rows = static_cast<std::int64_t>(from.dim(0)) * H;
  for_each_row_block(image_rows, static_cast<std::int64_t>(W) * C,
                     [&](std::int64_t b, std::int64_t e) {
                       for (std::int64_t row = b; row < e; ++row) {
                         const std::int64_t n = row / H;
                         const int y = static_cast<int>(row % H);
                         const int sy = y + d;
                         if (sy < 0 || sy >= H) continue;
                         for (int x = 0; x < W; ++x) {
                           const int sx = x + d;
                           if (sx < 0 || sx >= W) continue;
                           std::memcpy(to.data() + offset(n, y, x), from.data() + offset(n, sy, sx),
                                       sizeof(float) * C);
                         }
                       }
                     });
}

}  // namespace

Tensor PixelShift::forward(const Tensor& input, Mode mode) {
  require_rank(input, 4, "PixelShift");
  Tensor y(input.shape());
  shift_pixels(input, y, 1);
  has_state_ = mode == Mode::train;
  shape_ = input.shape();
  return y;
}

Tensor PixelShift::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  require_grad_shape(grad_output, shape_, type_name());
  Tensor dx(shape_);
  shift_pixels(grad_output, dx, -1);
  return dx;
}

}  // namespace bitnas

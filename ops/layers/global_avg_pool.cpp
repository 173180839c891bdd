#include "ops/layers/global_avg_pool.hpp"

#include <tbb/parallel_for.h>

#include "ops/layers/layer_checks.hpp"

namespace bitnas {

Tensor GlobalAvgPool::forward(const Tensor& input, Mode mode) {
  require_rank(input, 4, "GlobalAvgPool");
  const int N = input.dim(0), C = input.dim(3);
  const std::int64_t pixels = static_cast<std::int64_t>(input.dim(1)) * input.dim(2);
  if (pixels == 0)
    throw std::invalid_argument("GlobalAvgPool: empty image, got shape " + input.shape_string());
  Tensor y({N, C});
  tbb::parallel_for(0, N, [&](int n) {
    const float* x = input.data() + n * pixels * C;
    float* out = y.data() + static_cast<std::int64_t>(n) * C;
    for (std::int64_t p = 0; p < pixels; ++p)
      for (int c = 0; c < C; ++c) out[c] += x[p * C + c];
    const float inv = 1.0f / static_cast<float>(pixels);
    for (int c = 0; c < C; ++c) out[c] *= inv;
  });
  has_state_ = mode == Mode::train;
  input_shape_ = input.shape();
  return y;
}

Tensor GlobalAvgPool::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  const int N = input_shape_[0], C = input_shape_[3];
  require_grad_shape(grad_output, {N, C}, type_name());
  const std::int64_t pixels = static_cast<std::int64_t>(input_shape_[1]) * input_shape_[2];
  const float inv = 1.0f / static_cast<float>(pixels);
  Tensor dx(input_shape_);
  tbb::parallel_for(0, N, [&](int n) {
    const float* dy = grad_output.data() + static_cast<std::int64_t>(n) * C;
    float* d = dx.data() + n * pixels * C;
    for (std::int64_t p = 0; p < pixels; ++p)
      for (int c = 0; c < C; ++c) d[p * C + c] = dy[c] * inv;
  });
  return dx;
}

}  // namespace bitnas

#include "search_spaces/space_layers.hpp"

namespace bitnas {

std::unique_ptr<BatchNorm> make_batch_norm(int channels, const OpContext& context) {
  return std::make_unique<BatchNorm>(
      channels, BatchNormOptions{.affine = context.affine_norms, .eps = context.space.binary.bn_eps});
}

std::unique_ptr<Conv2d> make_fp_conv(int c_in, int c_out, int kernel, int stride,
                                     const OpContext& context) {
  return std::make_unique<Conv2d>(c_in, c_out, kernel, context.rng,
                                  Conv2dOptions{.stride = stride, .padding = kernel / 2});
}

PoolWindow strided_pool_window(int stride) {
  return {.kernel = stride, .stride = stride, .padding = 0, .ceil_mode = true};
}

}  // namespace bitnas

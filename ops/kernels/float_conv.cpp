#include "ops/kernels/float_conv.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "ops/core/aligned_allocator.hpp"
#include "ops/core/eigen_view.hpp"
#include "ops/kernels/im2col.hpp"

namespace bitnas {

namespace {

void check_shapes(const Tensor& x, const Tensor& w, const ConvGeometry& g) {
  g.validate();
  if (x.shape() != g.input_shape())
    throw std::invalid_argument("conv input shape " + x.shape_string() + " does not match " +
                                g.to_string());
  if (w.shape() != g.weight_shape())
    throw std::invalid_argument("conv weight shape " + w.shape_string() + " does not match " +
                                g.to_string() + " (expected " + shape_string(g.weight_shape()) +
                                ")");
}

// im2col buffers are written in full before they are read: no zero-fill.
using Scratch = std::vector<float, DefaultInitAlignedAllocator<float>>;

// Batch partition for reductions over images: depends on the batch size only.
constexpr int kReductionChunks = 8;

}  // namespace

Tensor float_conv_forward(const Tensor& x, const Tensor& w, const ConvGeometry& g,
                          float pad_value) {
  check_shapes(x, w, g);
  Tensor y = Tensor::uninitialized(g.output_shape());  // each group's GEMM assigns its columns
  const int P = g.out_pixels_per_image(), K = g.k_per_group(), og = g.out_c_per_group();
  const long in_image = static_cast<long>(g.in_h) * g.in_w * g.in_c;
  const long out_image = static_cast<long>(P) * g.out_c;
  tbb::parallel_for(0, g.batch, [&](int n) {
    Scratch cols(static_cast<std::size_t>(P) * K);
    for (int grp = 0; grp < g.groups; ++grp) {
      im2col_nhwc(x.data() + n * in_image, g, grp, pad_value, cols.data());
      auto out = matrix_view(y.data() + n * out_image + grp * og, P, og, g.out_c);
      auto weights = matrix_view(w.data() + static_cast<long>(grp) * og * K, og, K, K);
      out.noalias() = matrix_view(cols.data(), P, K, K) * weights.transpose();
    }
  });
  return y;
}

void float_conv_backward(const Tensor& x, const Tensor& w, const Tensor& grad_output,
                         const ConvGeometry& g, float pad_value, Tensor* grad_input,
                         Tensor* grad_weight, BackwardPrecision precision, Bf16Kernel kernel) {
  check_shapes(x, w, g);
  if (grad_output.shape() != g.output_shape())
    throw std::invalid_argument("conv grad_output shape " + grad_output.shape_string() +
                                " does not match " + g.to_string());
  if (grad_weight && grad_weight->shape() != w.shape())
    throw std::invalid_argument("conv grad_weight shape " + grad_weight->shape_string() +
                                " does not match " + w.shape_string());
  if (!grad_input && !grad_weight) return;
  const int P = g.out_pixels_per_image(), K = g.k_per_group(), og = g.out_c_per_group();
  const long in_image = static_cast<long>(g.in_h) * g.in_w * g.in_c;
  const long out_image = static_cast<long>(P) * g.out_c;
  if (grad_input && grad_input->shape() != x.shape())
    *grad_input = Tensor::uninitialized(x.shape());

  // One task per chunk of images: the images of a chunk are stacked into one GEMM of
  // images*P rows, which keeps the GEMMs large at small resolutions (P = 16 at 4x4). The
  // partition depends on the batch only, so the weight gradient, reduced chunk by chunk in
  // order, does not depend on the thread count.
  const int chunks = std::min(g.batch, kReductionChunks);
  const int per_chunk = (g.batch + chunks - 1) / chunks;
  const bool bf16 = precision == BackwardPrecision::bfloat16;
  std::vector<Bf16Pairs> packed_weights(bf16 && grad_input ? g.groups : 0);
  for (std::size_t grp = 0; grp < packed_weights.size(); ++grp)
    pack_bf16_pair_rows(w.data() + static_cast<long>(grp) * og * K, og, K, K,
                        packed_weights[grp]);
  std::vector<Tensor> partial(grad_weight ? static_cast<std::size_t>(chunks) : 0);
  tbb::parallel_for(0, chunks, [&](int c) {
    const int n0 = c * per_chunk, n1 = std::min(g.batch, n0 + per_chunk);
    if (n0 >= n1) return;
    const long rows = static_cast<long>(n1 - n0) * P;
    Scratch cols(static_cast<std::size_t>(rows) * K);
    const float* dy_chunk = grad_output.data() + n0 * out_image;
    Tensor dw = grad_weight ? Tensor::uninitialized(w.shape()) : Tensor();
    Bf16Pairs packed_dy, packed_cols;
    for (int grp = 0; grp < g.groups; ++grp) {
      auto dy = matrix_view(dy_chunk + grp * og, rows, og, g.out_c);
      auto weights = matrix_view(w.data() + static_cast<long>(grp) * og * K, og, K, K);
      auto cols_matrix = matrix_view(cols.data(), rows, K, K);
      if (grad_weight) {
        for (int n = n0; n < n1; ++n)
          im2col_nhwc(x.data() + n * in_image, g, grp, pad_value,
                      cols.data() + static_cast<long>(n - n0) * P * K);
        float* dw_group = dw.data() + static_cast<long>(grp) * og * K;
        if (bf16) {
          pack_bf16_transposed_rows(dy_chunk + grp * og, og, static_cast<int>(rows), g.out_c,
                                    packed_dy);
          pack_bf16_pair_rows(cols.data(), static_cast<int>(rows), K, K, packed_cols);
          bf16_gemm(packed_dy, packed_cols, og, K, static_cast<int>(rows), dw_group, K, false,
                    kernel);
        } else {
          matrix_view(dw_group, og, K, K).noalias() = dy.transpose() * cols_matrix;
        }
      }
      if (grad_input) {
        if (bf16) {
          pack_bf16_rows(dy_chunk + grp * og, static_cast<int>(rows), og, g.out_c, packed_dy);
          bf16_gemm(packed_dy, packed_weights[static_cast<std::size_t>(grp)],
                    static_cast<int>(rows), K, og, cols.data(), K, false, kernel);
        } else {
          cols_matrix.noalias() = dy * weights;
        }
        for (int n = n0; n < n1; ++n)
          col2im_nhwc(cols.data() + static_cast<long>(n - n0) * P * K, g, grp,
                      grad_input->data() + n * in_image);
      }
    }
    if (grad_weight) partial[static_cast<std::size_t>(c)] = std::move(dw);
  });
  for (const Tensor& p : partial)
    if (!p.empty()) grad_weight->add_(p);
}

}  // namespace bitnas

#include "ops/kernels/float_conv.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

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
    std::vector<float> cols(static_cast<std::size_t>(P) * K);
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
                         Tensor* grad_weight) {
  check_shapes(x, w, g);
  if (grad_output.shape() != g.output_shape())
    throw std::invalid_argument("conv grad_output shape " + grad_output.shape_string() +
                                " does not match " + g.to_string());
  const int P = g.out_pixels_per_image(), K = g.k_per_group(), og = g.out_c_per_group();
  const long in_image = static_cast<long>(g.in_h) * g.in_w * g.in_c;
  const long out_image = static_cast<long>(P) * g.out_c;

  if (grad_input) {
    if (grad_input->shape() != x.shape()) *grad_input = Tensor::uninitialized(x.shape());
    tbb::parallel_for(0, g.batch, [&](int n) {
      // Each task clears its own image before accumulating into it: the zero-fill runs on
      // every core and leaves the image in cache for col2im.
      std::fill_n(grad_input->data() + n * in_image, in_image, 0.0f);
      std::vector<float> dcols(static_cast<std::size_t>(P) * K);
      for (int grp = 0; grp < g.groups; ++grp) {
        auto dy = matrix_view(grad_output.data() + n * out_image + grp * og, P, og, g.out_c);
        auto weights = matrix_view(w.data() + static_cast<long>(grp) * og * K, og, K, K);
        matrix_view(dcols.data(), P, K, K).noalias() = dy * weights;
        col2im_nhwc_accumulate(dcols.data(), g, grp, grad_input->data() + n * in_image);
      }
    });
  }

  if (grad_weight) {
    if (grad_weight->shape() != w.shape())
      throw std::invalid_argument("conv grad_weight shape " + grad_weight->shape_string() +
                                  " does not match " + w.shape_string());
    const int chunks = std::min(g.batch, kReductionChunks);
    const int per_chunk = (g.batch + chunks - 1) / chunks;
    std::vector<Tensor> partial(static_cast<std::size_t>(chunks));
    tbb::parallel_for(0, chunks, [&](int c) {
      const int n0 = c * per_chunk, n1 = std::min(g.batch, n0 + per_chunk);
      Tensor dw(w.shape());
      std::vector<float> cols(static_cast<std::size_t>(P) * K);
      for (int n = n0; n < n1; ++n) {
        for (int grp = 0; grp < g.groups; ++grp) {
          im2col_nhwc(x.data() + n * in_image, g, grp, pad_value, cols.data());
          auto dy = matrix_view(grad_output.data() + n * out_image + grp * og, P, og, g.out_c);
          matrix_view(dw.data() + static_cast<long>(grp) * og * K, og, K, K).noalias() +=
              dy.transpose() * matrix_view(cols.data(), P, K, K);
        }
      }
      partial[static_cast<std::size_t>(c)] = std::move(dw);
    });
    for (const Tensor& p : partial)
      if (!p.empty()) grad_weight->add_(p);
  }
}

}  // namespace bitnas

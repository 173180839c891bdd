#pragma once
// Full-precision convolution: im2col + Eigen GEMM, parallel over images with oneTBB. Also the
// oracle for the binary kernels (run on +-1 tensors with the matching pad value) and the
// engine of the binary conv's backward pass.
#include "ops/core/tensor.hpp"
#include "ops/kernels/backward_precision.hpp"
#include "ops/kernels/bf16_gemm.hpp"
#include "ops/kernels/conv_geometry.hpp"

namespace bitnas {

// x: NHWC matching g.input_shape(); w: OHWI matching g.weight_shape(). Returns NHWC.
Tensor float_conv_forward(const Tensor& x, const Tensor& w, const ConvGeometry& g,
                          float pad_value = 0.0f);

// Given dL/dy, accumulates dL/dw into *grad_weight and writes dL/dx into *grad_input (either
// may be null). Taps that read padding get no gradient. The weight gradient is reduced over
// a fixed partition of the batch, so it does not depend on the thread count.
void float_conv_backward(const Tensor& x, const Tensor& w, const Tensor& grad_output,
                         const ConvGeometry& g, float pad_value, Tensor* grad_input,
                         Tensor* grad_weight,
                         BackwardPrecision precision = BackwardPrecision::float32,
                         Bf16Kernel kernel = best_bf16_kernel());

}  // namespace bitnas

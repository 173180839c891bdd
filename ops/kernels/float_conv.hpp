#pragma once
// Full-precision convolution: im2col + Eigen GEMM, parallel over images with oneTBB. Also the
// oracle for the binary kernels (run on +-1 tensors with the matching pad value) and the
// engine of the binary conv's backward pass.
#include "ops/core/tensor.hpp"
#include "ops/kernels/bf16_gemm.hpp"
#include "ops/kernels/conv_geometry.hpp"

namespace bitnas {

// x: NHWC matching g.input_shape(); w: OHWI matching g.weight_shape(). Returns NHWC.
Tensor float_conv_forward(const Tensor& x, const Tensor& w, const ConvGeometry& g,
                          float pad_value = 0.0f);

// The arithmetic of a conv's backward GEMMs. float32: exact float arithmetic (Eigen).
// bfloat16: dL/dy rounded to bfloat16, float32 accumulation (bf16_gemm.hpp): exact products
// only where x and w are exactly representable in bfloat16 (+-1 and 0, the binary conv's
// signs), which is the one use it is meant for.
enum class BackwardPrecision { float32, bfloat16 };
const char* to_string(BackwardPrecision precision);
// Parses "float32" or "bfloat16"; throws std::invalid_argument naming the value otherwise.
BackwardPrecision parse_backward_precision(const std::string& name);
// What a run asking for `requested` gets on this CPU: bfloat16 falls back to float32 where
// the CPU has no AVX512_BF16 (the portable bfloat16 kernel is a test reference, far slower).
BackwardPrecision usable_backward_precision(BackwardPrecision requested);

// Given dL/dy, accumulates dL/dw into *grad_weight and writes dL/dx into *grad_input (either
// may be null). Taps that read padding get no gradient. The weight gradient is reduced over
// a fixed partition of the batch, so it does not depend on the thread count.
void float_conv_backward(const Tensor& x, const Tensor& w, const Tensor& grad_output,
                         const ConvGeometry& g, float pad_value, Tensor* grad_input,
                         Tensor* grad_weight,
                         BackwardPrecision precision = BackwardPrecision::float32,
                         Bf16Kernel kernel = best_bf16_kernel());

}  // namespace bitnas

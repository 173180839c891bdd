#pragma once
// XNOR-Net's activation scale K (activation scale xnor_k; docs/DESIGN.md, Binary convolution): A =
// mean over channels of |x|, then K = A convolved with a kernel x kernel box filter of
// 1/(kernel*kernel), zero padded, with the conv's stride and dilation. K[n, oy, ox] is the mean |x|
// that output pixel sees; the binary conv's output at that pixel is multiplied by it.
#include "ops/core/tensor.hpp"
#include "ops/kernels/conv_geometry.hpp"

namespace bitnas {

// x: NHWC matching g.input_shape(). Returns [N, OH, OW, 1].
Tensor xnor_k_map(const Tensor& x, const ConvGeometry& g);

// grad_x += dL/dx through K, given grad_k = dL/dK ([N, OH, OW, 1]). d|x|/dx uses sign(0) = +1.
void xnor_k_map_backward(const Tensor& x, const ConvGeometry& g, const Tensor& grad_k,
                         Tensor& grad_x);

}  // namespace bitnas

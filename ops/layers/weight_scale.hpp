#pragma once
// The binary conv's weight scale alpha = mean |W| (docs/DESIGN.md, Binary convolution: per tensor
// as in Bi-Real / aw_nas bi_w_scale=1, per output channel as in XNOR-Net), and its gradient for
// ScaleGradient::flow.
#include <vector>

#include "ops/core/tensor.hpp"
#include "ops/layers/binary_conv_options.hpp"

namespace bitnas {

// alpha for each output channel of OHWI weights: all 1 for none, the same mean |W| of the
// whole tensor for tensor, mean |W[o]| for channel.
std::vector<float> weight_scales(const Tensor& w_ohwi, WeightScale scale);

// grad += dL/dalpha * dalpha/dW, where dalpha/dW = sign(W) / (number of averaged weights) and
// grad_alpha[o] is dL/dalpha_o (for tensor, the per-channel terms of the one alpha's gradient).
void add_weight_scale_gradient(const Tensor& w_ohwi, WeightScale scale,
                               const std::vector<double>& grad_alpha, Tensor& grad);

}  // namespace bitnas

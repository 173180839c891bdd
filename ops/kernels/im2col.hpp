#pragma once
// im2col / col2im for one NHWC image and one channel group. A row of `cols` is the receptive
// field of one output pixel in (ky, kx, c) order: exactly one row of an OHWI weight matrix.
#include "ops/kernels/conv_geometry.hpp"

namespace bitnas {

// cols: out_h*out_w rows of k_per_group floats. Taps outside the image read `pad_value`
// (0 for ordinary convs; +1 / -1 reproduce the binary pad modes on +-1 tensors).
void im2col_nhwc(const float* image, const ConvGeometry& g, int group, float pad_value,
                 float* cols);

// Adds each row of `cols` back onto the taps it came from; taps outside the image are dropped.
void col2im_nhwc_accumulate(const float* cols, const ConvGeometry& g, int group,
                            float* image_grad);

}  // namespace bitnas

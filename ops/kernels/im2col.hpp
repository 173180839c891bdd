#pragma once
// im2col / col2im for one NHWC image and one channel group. A row of `cols` is the receptive
// field of one output pixel in (ky, kx, c) order: exactly one row of an OHWI weight matrix.
#include "ops/kernels/conv_geometry.hpp"

namespace bitnas {

// cols: out_h*out_w rows of k_per_group floats. Taps outside the image read `pad_value`
// (0 for ordinary convs; +1 / -1 reproduce the binary pad modes on +-1 tensors).
void im2col_nhwc(const float* image, const ConvGeometry& g, int group, float pad_value,
                 float* cols);

// The adjoint of im2col_nhwc: sets group `group`'s channels of every pixel of `image_grad` to
// the sum of the cols entries taken from it (0 where none is; taps outside the image are
// dropped). Each pixel gathers its terms in the order of the output pixels, the order a
// scatter over the rows of cols would add them, so the result is bit for bit that of
// zero-filling and scattering, without the zero-fill pass over the image.
void col2im_nhwc(const float* cols, const ConvGeometry& g, int group, float* image_grad);

}  // namespace bitnas

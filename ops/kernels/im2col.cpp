#include "ops/kernels/im2col.hpp"

#include <algorithm>
#include <cstring>

namespace bitnas {

void im2col_nhwc(const float* image, const ConvGeometry& g, int group, float pad_value,
                 float* cols) {
  const int cg = g.in_c_per_group(), oh = g.out_h(), ow = g.out_w();
  const float* src0 = image + group * cg;
  float* row = cols;
  for (int oy = 0; oy < oh; ++oy) {
    for (int ox = 0; ox < ow; ++ox) {
      for (int ky = 0; ky < g.kernel; ++ky) {
        const int iy = oy * g.stride - g.padding + ky * g.dilation;
        for (int kx = 0; kx < g.kernel; ++kx) {
          const int ix = ox * g.stride - g.padding + kx * g.dilation;
          if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) {
            std::fill(row, row + cg, pad_value);
          } else {
            std::memcpy(row, src0 + (static_cast<long>(iy) * g.in_w + ix) * g.in_c,
                        sizeof(float) * cg);
          }
          row += cg;
        }
      }
    }
  }
}

void col2im_nhwc(const float* cols, const ConvGeometry& g, int group, float* image_grad) {
  const int cg = g.in_c_per_group(), oh = g.out_h(), ow = g.out_w(), k = g.kernel;
  const long row_len = static_cast<long>(k) * k * cg;
  for (int iy = 0; iy < g.in_h; ++iy) {
    for (int ix = 0; ix < g.in_w; ++ix) {
      float* dst = image_grad + (static_cast<long>(iy) * g.in_w + ix) * g.in_c + group * cg;
      for (int c = 0; c < cg; ++c) dst[c] = 0.0f;
      // Output row oy reads input row iy through tap ky when oy*stride - padding + ky*dilation
      // == iy: oy falls as ky rises, so ky descending visits the output pixels in order (and
      // likewise kx for ox within one output row).
      for (int ky = k - 1; ky >= 0; --ky) {
        const int ty = iy + g.padding - ky * g.dilation;
        if (ty < 0 || ty % g.stride != 0 || ty / g.stride >= oh) continue;
        const int oy = ty / g.stride;
        for (int kx = k - 1; kx >= 0; --kx) {
          const int tx = ix + g.padding - kx * g.dilation;
          if (tx < 0 || tx % g.stride != 0 || tx / g.stride >= ow) continue;
          const int ox = tx / g.stride;
          const float* src = cols + (static_cast<long>(oy) * ow + ox) * row_len +
                             (static_cast<long>(ky) * k + kx) * cg;
          for (int c = 0; c < cg; ++c) dst[c] += src[c];
        }
      }
    }
  }
}

}  // namespace bitnas

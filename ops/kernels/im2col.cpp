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

void col2im_nhwc_accumulate(const float* cols, const ConvGeometry& g, int group,
                            float* image_grad) {
  const int cg = g.in_c_per_group(), oh = g.out_h(), ow = g.out_w();
  float* dst0 = image_grad + group * cg;
  const float* row = cols;
  for (int oy = 0; oy < oh; ++oy) {
    for (int ox = 0; ox < ow; ++ox) {
      for (int ky = 0; ky < g.kernel; ++ky) {
        const int iy = oy * g.stride - g.padding + ky * g.dilation;
        for (int kx = 0; kx < g.kernel; ++kx) {
          const int ix = ox * g.stride - g.padding + kx * g.dilation;
          if (iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w) {
            float* dst = dst0 + (static_cast<long>(iy) * g.in_w + ix) * g.in_c;
            for (int c = 0; c < cg; ++c) dst[c] += row[c];
          }
          row += cg;
        }
      }
    }
  }
}

}  // namespace bitnas

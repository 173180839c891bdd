// col2im_nhwc, the adjoint of im2col_nhwc: it must give exactly (bit for bit) what zero-filling
// the image and scattering every row of cols back onto its taps gives, for strides, dilations,
// paddings, groups and odd sizes, and leave the other groups' channels alone.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "ops/core/random.hpp"
#include "ops/kernels/im2col.hpp"

namespace bitnas {
namespace {

// The scatter formulation col2im used to be: zero, then add each row in output-pixel order.
void scatter_reference(const float* cols, const ConvGeometry& g, int group, float* image) {
  const int cg = g.in_c_per_group();
  for (int iy = 0; iy < g.in_h; ++iy)
    for (int ix = 0; ix < g.in_w; ++ix)
      for (int c = 0; c < cg; ++c) image[(iy * g.in_w + ix) * g.in_c + group * cg + c] = 0.0f;
  const float* row = cols;
  for (int oy = 0; oy < g.out_h(); ++oy)
    for (int ox = 0; ox < g.out_w(); ++ox)
      for (int ky = 0; ky < g.kernel; ++ky)
        for (int kx = 0; kx < g.kernel; ++kx, row += cg) {
          const int iy = oy * g.stride - g.padding + ky * g.dilation;
          const int ix = ox * g.stride - g.padding + kx * g.dilation;
          if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) continue;
          for (int c = 0; c < cg; ++c) image[(iy * g.in_w + ix) * g.in_c + group * cg + c] += row[c];
        }
}

TEST(Col2im, GathersExactlyWhatAScatterAdds) {
  struct Case { int h, w, c, k, stride, pad, dilation, groups; };
  const Case cases[] = {{5, 7, 3, 3, 1, 1, 1, 1},  {8, 8, 4, 3, 2, 1, 1, 1},
                        {9, 6, 6, 5, 1, 2, 1, 3},  {7, 7, 2, 3, 1, 2, 2, 1},
                        {6, 5, 4, 1, 2, 0, 1, 2},  {4, 4, 8, 3, 2, 0, 1, 4},
                        {11, 3, 5, 5, 3, 2, 2, 1}, {1, 1, 3, 3, 1, 1, 1, 1}};
  Rng rng(4);
  for (const Case& t : cases) {
    ConvGeometry g;
    g.in_h = t.h, g.in_w = t.w, g.in_c = t.c, g.out_c = t.groups, g.kernel = t.k;
    g.stride = t.stride, g.padding = t.pad, g.dilation = t.dilation, g.groups = t.groups;
    SCOPED_TRACE(::testing::Message() << t.h << "x" << t.w << "x" << t.c << " k" << t.k << " s"
                                      << t.stride << " p" << t.pad << " d" << t.dilation << " g"
                                      << t.groups);
    std::vector<float> cols(static_cast<std::size_t>(g.out_pixels_per_image()) * g.k_per_group());
    // Values with many bits, some exactly -0, so that the order of the additions shows.
    for (float& v : cols) v = rng.uniform() < 0.05 ? -0.0f : static_cast<float>(rng.normal()) * 1e3f;
    const std::size_t image = static_cast<std::size_t>(t.h) * t.w * t.c;
    for (int group = 0; group < t.groups; ++group) {
      std::vector<float> expected(image, 7.0f), got(image, 7.0f);
      scatter_reference(cols.data(), g, group, expected.data());
      col2im_nhwc(cols.data(), g, group, got.data());
      EXPECT_EQ(std::memcmp(expected.data(), got.data(), image * sizeof(float)), 0);
    }
  }
}

}  // namespace
}  // namespace bitnas

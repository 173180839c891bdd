// Reference tier: plain loops and std::popcount, compiled for baseline x86-64. Every other
// tier is tested against it and against the float conv on +-1 tensors.
#include <bit>

#include "ops/kernels/binary_conv_tiers.hpp"

namespace bitnas::detail {

void binary_conv_tile_portable(const PackedActivations& x, const PackedWeights& w,
                               const ConvGeometry& g, PadMode pad, const OutputTransform& t,
                               const ConvTile& tile, float* y) {
  const int oh = g.out_h(), ow = g.out_w(), taps = g.kernel * g.kernel;
  const int og = g.out_c_per_group(), cg = g.in_c_per_group(), wpg = w.words_per_group;
  const int pad_sign = pad == PadMode::plus_one ? 1 : pad == PadMode::minus_one ? -1 : 0;
  const int n = tile.n;
  for (int oy = tile.oy_begin; oy < tile.oy_end; ++oy)
    for (int ox = 0; ox < ow; ++ox) {
      float* out = y + ((static_cast<long>(n) * oh + oy) * ow + ox) * g.out_c;
      for (int o = tile.oc_begin; o < tile.oc_end; ++o) {
        const int grp = o / og;
        long acc = 0;
        for (int ky = 0; ky < g.kernel; ++ky) {
          const int iy = oy * g.stride - g.padding + ky * g.dilation;
          for (int kx = 0; kx < g.kernel; ++kx) {
            const int ix = ox * g.stride - g.padding + kx * g.dilation;
            const int tap = ky * g.kernel + kx;
            if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) {
              acc += pad_sign * w.tap_sign_sums[static_cast<std::size_t>(o) * taps + tap];
              continue;
            }
            const std::uint64_t* a = x.pixel(n, iy, ix) + grp * wpg;
            const std::uint64_t* b =
                w.words.data() + (static_cast<std::size_t>(o) * taps + tap) * wpg;
            int differing = 0;
            for (int i = 0; i < wpg; ++i) differing += std::popcount(a[i] ^ b[i]);
            acc += cg - 2 * differing;
          }
        }
        const float scale = t.scale ? t.scale[o] : 1.0f;
        const float offset = t.offset ? t.offset[o] : 0.0f;
        out[o] = static_cast<float>(acc) * scale + offset;
      }
    }
}

}  // namespace bitnas::detail

#pragma once
// The per-instruction-set implementations behind binary_conv.hpp. Each tier packs weights in
// its own order and computes one output tile (an image, a range of output rows, a range of
// output channels). binary_conv.cpp does the parallel loop and calls a tier only after cpuid
// says the CPU supports it. Tier files touch raw pointers only (no templates of their own
// instantiated with shared signatures), so no code built for a higher tier can leak into
// other translation units through the linker's choice of inline copies.
#include "ops/kernels/binary_conv.hpp"

namespace bitnas::detail {

// Sum over channels of sign(w) per (output channel, tap): shared by all tiers.
void compute_tap_sign_sums(const Tensor& w_ohwi, PackedWeights& w);
// Portable [out_c][tap][word] order: the reference every other tier is tested against.
void pack_weights_rows(const Tensor& w_ohwi, PackedWeights& w);

// The output tile [n][oy_begin, oy_end)[all ox][oc_begin, oc_end) written into y (NHWC).
struct ConvTile {
  int n, oy_begin, oy_end, oc_begin, oc_end;
};

void binary_conv_tile_portable(const PackedActivations& x, const PackedWeights& w,
                               const ConvGeometry& g, PadMode pad, const OutputTransform& t,
                               const ConvTile& tile, float* y);

}  // namespace bitnas::detail

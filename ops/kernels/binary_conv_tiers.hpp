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

// SIMD tiers keep output channels in the vector lanes: one vector holds the same 32 bits of K
// for 16 (AVX-512) or 8 (AVX2) output channels of a group, so a tile never reduces
// horizontally. Their packers write into `words`, which the caller has sized with the
// matching *_words function and zero-filled (tier files never grow containers themselves).
// Weight layout, in 32-bit units: [group][channel block][tap][32-bit chunk of K][lane]
// (AVX2 stores each chunk twice, as its low and as its high nibbles, for the vpshufb count).
std::size_t packed_weight_words_avx2(int out_c, int taps, int groups, int channels_per_group);
void pack_weights_avx2(const float* w_ohwi, int out_c, int taps, int groups,
                       int channels_per_group, std::uint64_t* words);
void binary_conv_tile_avx2(const PackedActivations& x, const PackedWeights& w,
                           const ConvGeometry& g, PadMode pad, const OutputTransform& t,
                           const ConvTile& tile, float* y);

std::size_t packed_weight_words_avx512(int out_c, int taps, int groups, int channels_per_group);
void pack_weights_avx512(const float* w_ohwi, int out_c, int taps, int groups,
                         int channels_per_group, std::uint64_t* words);
void binary_conv_tile_avx512(const PackedActivations& x, const PackedWeights& w,
                             const ConvGeometry& g, PadMode pad, const OutputTransform& t,
                             const ConvTile& tile, float* y);

}  // namespace bitnas::detail

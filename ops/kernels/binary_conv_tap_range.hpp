#pragma once
// Tile geometry shared by the SIMD tiers of the binary conv. Everything here has internal
// linkage (an unnamed namespace): each tier's translation unit gets its own copy compiled for
// its own instruction set, so no copy built for a higher tier can be picked by the linker
// for code that runs on a lower one.
#include <cstdint>

#include "ops/kernels/binary_conv.hpp"

namespace bitnas::detail {
namespace {

int imin(int a, int b) { return a < b ? a : b; }
int imax(int a, int b) { return a > b ? a : b; }

// Kernel offsets k in [begin, end) whose input coordinate origin + k * dilation is inside
// [0, size). Contiguous because the coordinate grows with k.
struct TapRange {
  int begin, end;
};

TapRange valid_taps(int origin, int dilation, int size, int kernel) {
  if (origin >= 0 && origin + (kernel - 1) * dilation < size) return {0, kernel};
  const int begin = origin >= 0 ? 0 : imin(kernel, (-origin + dilation - 1) / dilation);
  const int last_offset = size - 1 - origin;
  const int end = last_offset < 0 ? 0 : imin(kernel, last_offset / dilation + 1);
  return {begin, imax(begin, end)};
}

// 32-bit chunk j of the activation bits of a pad tap: -1 in every real channel for
// minus_one, +1 (no bits) otherwise.
std::uint32_t pad_chunk(PadMode pad, int cg, int j) {
  if (pad != PadMode::minus_one) return 0;
  const int bits = cg - 32 * j;
  return bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1u;
}

// What stays fixed over a tile, for tiers that read 32-bit activation chunks and store
// `entries_per_chunk` 32-bit weight entries per (tap, chunk) of a block of output channels.
struct Plan {
  long pixel_chunks;   // 32-bit activation chunks per input pixel (all groups)
  long pixel_step;     // chunks between the inputs of horizontally adjacent output pixels
  long tap_step;       // chunks between the inputs of horizontally adjacent taps
  long block_entries;  // 32-bit weight entries per channel block: taps * chunks * per chunk
  long out_c;          // floats per output pixel
  int in_w, kernel, dilation;
  int cg, chunks;  // channels and 32-bit chunks of K per tap, per group
  PadMode pad;
};

Plan make_plan(const PackedActivations& x, const ConvGeometry& g, PadMode pad,
               int entries_per_chunk) {
  const int cg = g.in_c / g.groups;
  Plan plan{};
  plan.pixel_chunks = 2L * x.words_per_group * g.groups;
  plan.pixel_step = plan.pixel_chunks * g.stride;
  plan.tap_step = plan.pixel_chunks * g.dilation;
  plan.chunks = (cg + 31) / 32;
  plan.block_entries = static_cast<long>(g.kernel) * g.kernel * plan.chunks * entries_per_chunk;
  plan.out_c = g.out_c;
  plan.in_w = g.in_w;
  plan.kernel = g.kernel;
  plan.dilation = g.dilation;
  plan.cg = cg;
  plan.pad = pad;
  return plan;
}

}  // namespace
}  // namespace bitnas::detail

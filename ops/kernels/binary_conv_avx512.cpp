// AVX-512 tier (x86-64-v4 + VPOPCNTDQ). Output channels live in the vector lanes: a zmm holds
// the same 32-bit chunk of K for 16 output channels, the activation chunk is broadcast, and
// vpxord + vpopcntd + vpaddd count differing bits per lane, so nothing is reduced
// horizontally. One kernel call covers a run of up to kMaxPixels output pixels of a row that
// see the same in-image taps (interior pixels form long runs) times up to kMaxBlocks channel
// blocks, so every weight load feeds several pixels and every broadcast several blocks.
//
// Border taps: with pad `zero` they are skipped and the pixel's K shrinks to the taps inside
// the image; with `plus_one` / `minus_one` they read a constant pad chunk (no bits / all
// channel bits set), which reproduces +-sum(sign(w)) exactly, and since every pixel of a run
// misses the same taps that contribution is counted once per run.
//
// Only raw pointers and plain structs here (see binary_conv_tiers.hpp): nothing from this
// file may be picked by the linker for code running on a CPU without AVX-512.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "ops/kernels/binary_conv_tap_range.hpp"
#include "ops/kernels/binary_conv_tiers.hpp"

namespace bitnas::detail {
namespace {

using AliasedU32 = std::uint32_t __attribute__((may_alias));

constexpr int kLanes = 16;     // output channels per zmm (32-bit lanes)
constexpr int kMaxBlocks = 4;  // channel blocks per kernel call: 64 output channels
constexpr int kMaxPixels = 6;  // 6 x 4 accumulators + 4 weight vectors fit the 32 zmm
// (Measured on Sapphire Rapids: 4 to 8 pixels per call, or 12 x 2 blocks, were no faster.)



// One run of pixels times a range of channel blocks.
struct Call {
  const AliasedU32* act;      // the image's chunks, offset to this group
  const AliasedU32* weights;  // the first channel block
  int iy0, ix0;               // input coordinate of tap (0, 0) for the run's first pixel
  TapRange ky, kx;
  __mmask16 lanes[kMaxBlocks];  // output channels of each block that belong to the tile
  const float* scale;           // per-channel transform at the first block, or null
  const float* offset;
  float* out;  // the run's first pixel, first block's first channel
};

template <int P, int NB>
void conv_run(const Plan& plan, const Call& call) {
  const int kernel = plan.kernel, chunks = plan.chunks, taps = kernel * kernel;
  const long block = plan.block_entries, step = plan.pixel_step;
  const TapRange ky = call.ky, kx = call.kx;

  // Differing bits per pixel and channel; pad taps are common to the run, counted first.
  __m512i pad_diff[NB];
#pragma GCC unroll 4
  for (int b = 0; b < NB; ++b) pad_diff[b] = _mm512_setzero_si512();
  const int inside = (ky.end - ky.begin) * (kx.end - kx.begin);
  if (plan.pad != PadMode::zero && inside < taps) {
    for (int y = 0; y < kernel; ++y)
      for (int x = 0; x < kernel; ++x) {
        if (y >= ky.begin && y < ky.end && x >= kx.begin && x < kx.end) continue;
        const AliasedU32* wt = call.weights + static_cast<long>(y * kernel + x) * chunks * kLanes;
        for (int j = 0; j < chunks; ++j) {
          const __m512i a = _mm512_set1_epi32(static_cast<int>(pad_chunk(plan.pad, plan.cg, j)));
#pragma GCC unroll 4
          for (int b = 0; b < NB; ++b) {
            const __m512i w = _mm512_load_si512(wt + b * block + j * kLanes);
            pad_diff[b] =
                _mm512_add_epi32(pad_diff[b], _mm512_popcnt_epi32(_mm512_xor_si512(a, w)));
          }
        }
      }
  }
  __m512i diff[P][NB];
#pragma GCC unroll 8
  for (int p = 0; p < P; ++p)
#pragma GCC unroll 4
    for (int b = 0; b < NB; ++b) diff[p][b] = pad_diff[b];

  // The (kx, chunk) steps of one kernel row. With dilation 1, one group and every chunk of a
  // pixel in use, the taps' inputs are adjacent in memory and the row is one loop of
  // contiguous chunks (weights are laid out [tap][chunk] too), which keeps loop overhead out
  // of short rows such as 3 taps x 2 chunks at 64 channels.
  const bool dense = plan.tap_step == chunks;
  const int row_taps = dense ? 1 : kx.end - kx.begin;
  const int tap_chunks = dense ? (kx.end - kx.begin) * chunks : chunks;
  for (int y = ky.begin; y < ky.end; ++y) {
    const long row = static_cast<long>(call.iy0 + y * plan.dilation) * plan.in_w;
    const AliasedU32* a =
        call.act + (row + call.ix0 + kx.begin * plan.dilation) * plan.pixel_chunks;
    const AliasedU32* wt =
        call.weights + static_cast<long>(y * kernel + kx.begin) * chunks * kLanes;
    for (int tap = 0; tap < row_taps; ++tap, a += plan.tap_step, wt += chunks * kLanes) {
      for (int j = 0; j < tap_chunks; ++j) {
        __m512i w[NB];
#pragma GCC unroll 4
        for (int b = 0; b < NB; ++b) w[b] = _mm512_load_si512(wt + b * block + j * kLanes);
#pragma GCC unroll 8
        for (int p = 0; p < P; ++p) {
          const __m512i av = _mm512_set1_epi32(static_cast<int>(a[p * step + j]));
#pragma GCC unroll 4
          for (int b = 0; b < NB; ++b)
            diff[p][b] =
                _mm512_add_epi32(diff[p][b], _mm512_popcnt_epi32(_mm512_xor_si512(av, w[b])));
        }
      }
    }
  }

  // acc = terms - 2 * differing, formed in float: all values are integers below 2^24 (K would
  // need 16M terms to reach it), so the FMA is exact. y = acc * scale + offset is rounded after
  // the multiply and after the add, like the portable tier; the empty asm keeps the compiler
  // from fusing the two. Without a scale, acc * 1 is acc; without either, nothing is added.
  const int terms = (plan.pad == PadMode::zero ? inside : taps) * plan.cg;
  const __m512 terms_v = _mm512_set1_ps(static_cast<float>(terms));
  const __m512 minus_two = _mm512_set1_ps(-2.0f);
#pragma GCC unroll 4
  for (int b = 0; b < NB; ++b) {
    const __mmask16 m = call.lanes[b];
    float* out = call.out + b * kLanes;
    if (!call.scale && !call.offset) {
#pragma GCC unroll 8
      for (int p = 0; p < P; ++p)
        _mm512_mask_storeu_ps(out + p * plan.out_c, m,
                              _mm512_fmadd_ps(_mm512_cvtepi32_ps(diff[p][b]), minus_two, terms_v));
      continue;
    }
    const __m512 offset =
        call.offset ? _mm512_maskz_loadu_ps(m, call.offset + b * kLanes) : _mm512_setzero_ps();
    if (!call.scale) {
#pragma GCC unroll 8
      for (int p = 0; p < P; ++p) {
        const __m512 acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(diff[p][b]), minus_two, terms_v);
        _mm512_mask_storeu_ps(out + p * plan.out_c, m, _mm512_add_ps(acc, offset));
      }
      continue;
    }
    const __m512 scale = _mm512_maskz_loadu_ps(m, call.scale + b * kLanes);
#pragma GCC unroll 8
    for (int p = 0; p < P; ++p) {
      const __m512 acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(diff[p][b]), minus_two, terms_v);
      __m512 scaled = _mm512_mul_ps(acc, scale);
      __asm__("" : "+v"(scaled));
      _mm512_mask_storeu_ps(out + p * plan.out_c, m, _mm512_add_ps(scaled, offset));
    }
  }
}

using RunKernel = void (*)(const Plan&, const Call&);

// [blocks - 1][pixels - 1]
constexpr RunKernel kRunKernels[kMaxBlocks][kMaxPixels] = {
    {conv_run<1, 1>, conv_run<2, 1>, conv_run<3, 1>, conv_run<4, 1>, conv_run<5, 1>,
     conv_run<6, 1>},
    {conv_run<1, 2>, conv_run<2, 2>, conv_run<3, 2>, conv_run<4, 2>, conv_run<5, 2>,
     conv_run<6, 2>},
    {conv_run<1, 3>, conv_run<2, 3>, conv_run<3, 3>, conv_run<4, 3>, conv_run<5, 3>,
     conv_run<6, 3>},
    {conv_run<1, 4>, conv_run<2, 4>, conv_run<3, 4>, conv_run<4, 4>, conv_run<5, 4>,
     conv_run<6, 4>},
};

}  // namespace

std::size_t packed_weight_words_avx512(int out_c, int taps, int groups, int channels_per_group) {
  const long blocks = (out_c / groups + kLanes - 1) / kLanes;
  const long chunks = (channels_per_group + 31) / 32;
  // kLanes entries of 32 bits make a whole number of 64-bit words.
  return static_cast<std::size_t>(groups * blocks * taps * chunks * kLanes / 2);
}

void pack_weights_avx512(const float* w_ohwi, int out_c, int taps, int groups,
                         int channels_per_group, std::uint64_t* words) {
  AliasedU32* dst = reinterpret_cast<AliasedU32*>(words);
  const int og = out_c / groups, cg = channels_per_group;
  const long blocks = (og + kLanes - 1) / kLanes, chunks = (cg + 31) / 32;
  for (int o = 0; o < out_c; ++o) {
    const int grp = o / og, local = o % og;
    const long block_base = (grp * blocks + local / kLanes) * taps * chunks * kLanes;
    for (int t = 0; t < taps; ++t) {
      const float* src = w_ohwi + (static_cast<long>(o) * taps + t) * cg;
      for (int j = 0; j < chunks; ++j) {
        std::uint32_t bits = 0;
        const int c_end = imin(cg, 32 * (j + 1));
        for (int c = 32 * j; c < c_end; ++c)
          bits |= static_cast<std::uint32_t>(src[c] < 0.0f) << (c - 32 * j);
        dst[block_base + (t * chunks + j) * kLanes + local % kLanes] = bits;
      }
    }
  }
}

void binary_conv_tile_avx512(const PackedActivations& x, const PackedWeights& w,
                             const ConvGeometry& g, PadMode pad, const OutputTransform& t,
                             const ConvTile& tile, float* y) {
  // Geometry from the fields, not ConvGeometry's inline members: only internal-linkage helpers
  // (binary_conv_tap_range.hpp) are compiled into this tier.
  const int kernel = g.kernel, dilation = g.dilation, stride = g.stride, padding = g.padding;
  const int span = dilation * (kernel - 1) + 1;
  const int out_h = (g.in_h + 2 * padding - span) / stride + 1;
  const int out_w = (g.in_w + 2 * padding - span) / stride + 1;
  const int groups = g.groups, og = g.out_c / groups;
  const long blocks_per_group = (og + kLanes - 1) / kLanes;
  const long group_chunks = 2L * x.words_per_group;

  const Plan plan = make_plan(x, g, pad, kLanes);

  const AliasedU32* image = reinterpret_cast<const AliasedU32*>(x.words.data()) +
                            static_cast<long>(tile.n) * g.in_h * g.in_w * plan.pixel_chunks;
  const AliasedU32* weights = reinterpret_cast<const AliasedU32*>(w.words.data());

  for (int grp = tile.oc_begin / og; grp * og < tile.oc_end; ++grp) {
    // Channels [lo, hi) of this group belong to the tile.
    const int lo = imax(tile.oc_begin - grp * og, 0), hi = imin(tile.oc_end - grp * og, og);
    for (int blk = lo / kLanes; blk * kLanes < hi; blk += kMaxBlocks) {
      const int nb = imin(kMaxBlocks, (hi + kLanes - 1) / kLanes - blk);
      Call call{};
      call.act = image + grp * group_chunks;
      call.weights = weights + (grp * blocks_per_group + blk) * plan.block_entries;
      for (int b = 0; b < nb; ++b) {
        const int first = (blk + b) * kLanes;
        const int from = imax(lo - first, 0), to = imin(hi - first, kLanes);
        call.lanes[b] = static_cast<__mmask16>(((1u << to) - 1u) & ~((1u << from) - 1u));
      }
      const int channel0 = grp * og + blk * kLanes;
      call.scale = t.scale ? t.scale + channel0 : nullptr;
      call.offset = t.offset ? t.offset + channel0 : nullptr;
      for (int oy = tile.oy_begin; oy < tile.oy_end; ++oy) {
        call.iy0 = oy * stride - padding;
        call.ky = valid_taps(call.iy0, dilation, g.in_h, kernel);
        float* out_row =
            y + ((static_cast<long>(tile.n) * out_h + oy) * out_w) * g.out_c + channel0;
        for (int ox = 0; ox < out_w;) {
          call.ix0 = ox * stride - padding;
          call.kx = valid_taps(call.ix0, dilation, g.in_w, kernel);
          int run = 1;
          while (run < kMaxPixels && ox + run < out_w) {
            const TapRange next =
                valid_taps((ox + run) * stride - padding, dilation, g.in_w, kernel);
            if (next.begin != call.kx.begin || next.end != call.kx.end) break;
            ++run;
          }
          call.out = out_row + static_cast<long>(ox) * g.out_c;
          kRunKernels[nb - 1][run - 1](plan, call);
          ox += run;
        }
      }
    }
  }
}

}  // namespace bitnas::detail

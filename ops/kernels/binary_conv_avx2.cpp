// AVX2 tier (x86-64-v3). Same structure as the AVX-512 tier (output channels in the lanes: a
// ymm holds the same 32-bit chunk of K for 8 output channels; runs of pixels times channel
// blocks per kernel call), but AVX2 has no vector popcount, so differing bits are counted
// with the nibble table: vpshufb looks up the popcount of each 4-bit nibble of a XOR w and
// vpaddb sums the counts per byte. The weights are stored already split into low and high
// nibbles (one ymm each), so per pixel and block only two vpxor, two vpshufb and two vpaddb
// remain; the activation's nibbles are split once per pixel and reused for every block.
// Byte counters gain at most 8 per chunk and are widened to 32-bit lanes (vpmaddubsw +
// vpmaddwd) before they could overflow.
//
// Border taps are handled as in the AVX-512 tier: skipped for pad `zero`, a constant pad
// chunk counted once per run for `plus_one` / `minus_one`.
//
// Only raw pointers and plain structs here (see binary_conv_tiers.hpp): nothing from this
// file may be picked by the linker for code running on a CPU without AVX2.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "ops/kernels/binary_conv_tap_range.hpp"
#include "ops/kernels/binary_conv_tiers.hpp"

namespace bitnas::detail {
namespace {

using AliasedU32 = std::uint32_t __attribute__((may_alias));

constexpr int kLanes = 8;                 // output channels per ymm (32-bit lanes)
constexpr int kChunkStride = 2 * kLanes;  // weight entries per (tap, chunk): low then high nibbles
constexpr int kMaxBlocks = 4;             // channel blocks per kernel call: 32 output channels
constexpr int kMaxPixels = 4;
// Longest run per block count: byte counters (pixels x blocks) must leave room in the 16 ymm
// for the table, the nibble mask, the split activation and temporaries.
// (Measured on Sapphire Rapids: 2 pixels x 4 blocks beat 1 x 4, 1 x 8 and 3 x 3; GCC spills
// a few counters at 2 x 4, but the loop stays bound by the vector ports.)
constexpr int kPixelLimit[kMaxBlocks] = {4, 4, 2, 2};
// A chunk adds at most 4 + 4 to a byte counter: 31 chunks stay below 256.
constexpr int kFlushChunks = 31;
constexpr std::uint32_t kLowNibbles = 0x0F0F0F0Fu;



// One run of pixels times a range of channel blocks.
struct Call {
  const AliasedU32* act;      // the image's chunks, offset to this group
  const AliasedU32* weights;  // the first channel block
  int iy0, ix0;               // input coordinate of tap (0, 0) for the run's first pixel
  TapRange ky, kx;
  __m256i lanes[kMaxBlocks];  // all-ones in the output channels that belong to the tile
  const float* scale;         // per-channel transform at the first block, or null
  const float* offset;
  float* out;  // the run's first pixel, first block's first channel
};

// Popcount of 0..15, in both 128-bit lanes (vpshufb looks up within each lane).
__m256i nibble_popcount_table() {
  return _mm256_broadcastsi128_si256(_mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
}

// Sum of the four byte counters of each 32-bit lane.
__m256i widen_counts(__m256i counts) {
  const __m256i byte_pairs = _mm256_maddubs_epi16(counts, _mm256_set1_epi8(1));
  return _mm256_madd_epi16(byte_pairs, _mm256_set1_epi16(1));
}

// Differing bits of the pad chunk against the weights of every tap outside [ky) x [kx).
template <int NB>
void count_pad_taps(const Plan& plan, const Call& call, __m256i (&total)[NB]) {
  const __m256i table = nibble_popcount_table();
  const __m256i nibble = _mm256_set1_epi32(static_cast<int>(kLowNibbles));
  const int kernel = plan.kernel;
  for (int b = 0; b < NB; ++b) total[b] = _mm256_setzero_si256();
  for (int y = 0; y < kernel; ++y)
    for (int x = 0; x < kernel; ++x) {
      if (y >= call.ky.begin && y < call.ky.end && x >= call.kx.begin && x < call.kx.end) continue;
      const AliasedU32* wt =
          call.weights + static_cast<long>(y * kernel + x) * plan.chunks * kChunkStride;
      for (int j = 0; j < plan.chunks; ++j) {
        const __m256i a = _mm256_set1_epi32(static_cast<int>(pad_chunk(plan.pad, plan.cg, j)));
        const __m256i a_lo = _mm256_and_si256(a, nibble);
        const __m256i a_hi = _mm256_and_si256(_mm256_srli_epi32(a, 4), nibble);
        for (int b = 0; b < NB; ++b) {
          const AliasedU32* wj = wt + b * plan.block_entries + j * kChunkStride;
          const __m256i lo =
              _mm256_xor_si256(a_lo, _mm256_load_si256(reinterpret_cast<const __m256i*>(wj)));
          const __m256i hi = _mm256_xor_si256(
              a_hi, _mm256_load_si256(reinterpret_cast<const __m256i*>(wj + kLanes)));
          const __m256i counts =
              _mm256_add_epi8(_mm256_shuffle_epi8(table, lo), _mm256_shuffle_epi8(table, hi));
          total[b] = _mm256_add_epi32(total[b], widen_counts(counts));
        }
      }
    }
}

template <int P, int NB>
void conv_run(const Plan& plan, const Call& call) {
  const int kernel = plan.kernel, chunks = plan.chunks, taps = kernel * kernel;
  const long block = plan.block_entries, step = plan.pixel_step;
  const TapRange ky = call.ky, kx = call.kx;
  const __m256i table = nibble_popcount_table();
  const __m256i nibble = _mm256_set1_epi32(static_cast<int>(kLowNibbles));

  // Differing bits per pixel and channel; pad taps are common to the run, counted first.
  __m256i total[P][NB];
  const int inside = (ky.end - ky.begin) * (kx.end - kx.begin);
  {
    __m256i pad_total[NB];
    if (plan.pad != PadMode::zero && inside < taps) {
      count_pad_taps<NB>(plan, call, pad_total);
    } else {
#pragma GCC unroll 4
      for (int b = 0; b < NB; ++b) pad_total[b] = _mm256_setzero_si256();
    }
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p)
#pragma GCC unroll 4
      for (int b = 0; b < NB; ++b) total[p][b] = pad_total[b];
  }

  __m256i counts[P][NB];
#pragma GCC unroll 4
  for (int p = 0; p < P; ++p)
#pragma GCC unroll 4
    for (int b = 0; b < NB; ++b) counts[p][b] = _mm256_setzero_si256();
  auto flush = [&] {
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p)
#pragma GCC unroll 4
      for (int b = 0; b < NB; ++b) {
        total[p][b] = _mm256_add_epi32(total[p][b], widen_counts(counts[p][b]));
        counts[p][b] = _mm256_setzero_si256();
      }
  };

  // The (kx, chunk) steps of one kernel row; contiguous when the taps' inputs are adjacent
  // (see the AVX-512 tier).
  const bool dense = plan.tap_step == chunks;
  const int row_taps = dense ? 1 : kx.end - kx.begin;
  const int tap_chunks = dense ? (kx.end - kx.begin) * chunks : chunks;
  int pending = 0;  // chunks counted into `counts` since the last flush
  for (int y = ky.begin; y < ky.end; ++y) {
    const long row = static_cast<long>(call.iy0 + y * plan.dilation) * plan.in_w;
    const AliasedU32* a =
        call.act + (row + call.ix0 + kx.begin * plan.dilation) * plan.pixel_chunks;
    const AliasedU32* wt =
        call.weights + static_cast<long>(y * kernel + kx.begin) * chunks * kChunkStride;
    for (int tap = 0; tap < row_taps; ++tap, a += plan.tap_step, wt += chunks * kChunkStride) {
      // Segments end where the byte counters must be widened, so the hot loop has no flush.
      for (int j0 = 0; j0 < tap_chunks;) {
        const int j1 = imin(tap_chunks, j0 + kFlushChunks - pending);
        for (int j = j0; j < j1; ++j) {
#pragma GCC unroll 4
          for (int p = 0; p < P; ++p) {
            const __m256i av = _mm256_set1_epi32(static_cast<int>(a[p * step + j]));
            const __m256i a_lo = _mm256_and_si256(av, nibble);
            const __m256i a_hi = _mm256_and_si256(_mm256_srli_epi32(av, 4), nibble);
#pragma GCC unroll 4
            for (int b = 0; b < NB; ++b) {
              const AliasedU32* wj = wt + b * block + j * kChunkStride;
              const __m256i lo =
                  _mm256_xor_si256(a_lo, _mm256_load_si256(reinterpret_cast<const __m256i*>(wj)));
              const __m256i hi = _mm256_xor_si256(
                  a_hi, _mm256_load_si256(reinterpret_cast<const __m256i*>(wj + kLanes)));
              counts[p][b] = _mm256_add_epi8(
                  counts[p][b],
                  _mm256_add_epi8(_mm256_shuffle_epi8(table, lo), _mm256_shuffle_epi8(table, hi)));
            }
          }
        }
        pending += j1 - j0;
        j0 = j1;
        if (pending == kFlushChunks) {
          flush();
          pending = 0;
        }
      }
    }
  }
  flush();

  // acc = terms - 2 * differing, formed in float: all values are integers below 2^24 (K would
  // need 16M terms to reach it), so the FMA is exact. y = acc * scale + offset is rounded after
  // the multiply and after the add, like the portable tier; the empty asm keeps the compiler
  // from fusing the two. Without a scale, acc * 1 is acc; without either, nothing is added.
  const int terms = (plan.pad == PadMode::zero ? inside : taps) * plan.cg;
  const __m256 terms_v = _mm256_set1_ps(static_cast<float>(terms));
  const __m256 minus_two = _mm256_set1_ps(-2.0f);
#pragma GCC unroll 4
  for (int b = 0; b < NB; ++b) {
    const __m256i m = call.lanes[b];
    float* out = call.out + b * kLanes;
    const __m256 offset =
        call.offset ? _mm256_maskload_ps(call.offset + b * kLanes, m) : _mm256_setzero_ps();
    const __m256 scale =
        call.scale ? _mm256_maskload_ps(call.scale + b * kLanes, m) : _mm256_set1_ps(1.0f);
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p) {
      __m256 y = _mm256_fmadd_ps(_mm256_cvtepi32_ps(total[p][b]), minus_two, terms_v);
      if (call.scale) {
        y = _mm256_mul_ps(y, scale);
        __asm__("" : "+x"(y));
      }
      if (call.scale || call.offset) y = _mm256_add_ps(y, offset);
      _mm256_maskstore_ps(out + p * plan.out_c, m, y);
    }
  }
}

using RunKernel = void (*)(const Plan&, const Call&);

// [blocks - 1][pixels - 1]
constexpr RunKernel kRunKernels[kMaxBlocks][kMaxPixels] = {
    {conv_run<1, 1>, conv_run<2, 1>, conv_run<3, 1>, conv_run<4, 1>},
    {conv_run<1, 2>, conv_run<2, 2>, conv_run<3, 2>, conv_run<4, 2>},
    {conv_run<1, 3>, conv_run<2, 3>, conv_run<3, 3>, conv_run<4, 3>},
    {conv_run<1, 4>, conv_run<2, 4>, conv_run<3, 4>, conv_run<4, 4>},
};

}  // namespace

std::size_t packed_weight_words_avx2(int out_c, int taps, int groups, int channels_per_group) {
  const long blocks = (out_c / groups + kLanes - 1) / kLanes;
  const long chunks = (channels_per_group + 31) / 32;
  // kChunkStride entries of 32 bits make a whole number of 64-bit words.
  return static_cast<std::size_t>(groups * blocks * taps * chunks * kChunkStride / 2);
}

void pack_weights_avx2(const float* w_ohwi, int out_c, int taps, int groups, int channels_per_group,
                       std::uint64_t* words) {
  AliasedU32* dst = reinterpret_cast<AliasedU32*>(words);
  const int og = out_c / groups, cg = channels_per_group;
  const long blocks = (og + kLanes - 1) / kLanes, chunks = (cg + 31) / 32;
  for (int o = 0; o < out_c; ++o) {
    const int grp = o / og, local = o % og;
    const long block_base = (grp * blocks + local / kLanes) * taps * chunks * kChunkStride;
    for (int t = 0; t < taps; ++t) {
      const float* src = w_ohwi + (static_cast<long>(o) * taps + t) * cg;
      for (int j = 0; j < chunks; ++j) {
        std::uint32_t bits = 0;
        const int c_end = imin(cg, 32 * (j + 1));
        for (int c = 32 * j; c < c_end; ++c)
          bits |= static_cast<std::uint32_t>(src[c] < 0.0f) << (c - 32 * j);
        AliasedU32* entry = dst + block_base + (t * chunks + j) * kChunkStride + local % kLanes;
        entry[0] = bits & kLowNibbles;
        entry[kLanes] = (bits >> 4) & kLowNibbles;
      }
    }
  }
}

void binary_conv_tile_avx2(const PackedActivations& x, const PackedWeights& w,
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

  const Plan plan = make_plan(x, g, pad, kChunkStride);

  const AliasedU32* image = reinterpret_cast<const AliasedU32*>(x.words.data()) +
                            static_cast<long>(tile.n) * g.in_h * g.in_w * plan.pixel_chunks;
  const AliasedU32* weights = reinterpret_cast<const AliasedU32*>(w.words.data());
  const __m256i lane_index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);

  for (int grp = tile.oc_begin / og; grp * og < tile.oc_end; ++grp) {
    // Channels [lo, hi) of this group belong to the tile.
    const int lo = imax(tile.oc_begin - grp * og, 0), hi = imin(tile.oc_end - grp * og, og);
    for (int blk = lo / kLanes; blk * kLanes < hi; blk += kMaxBlocks) {
      const int nb = imin(kMaxBlocks, (hi + kLanes - 1) / kLanes - blk);
      const int max_run = kPixelLimit[nb - 1];
      Call call{};
      call.act = image + grp * group_chunks;
      call.weights = weights + (grp * blocks_per_group + blk) * plan.block_entries;
      for (int b = 0; b < nb; ++b) {
        const int first = (blk + b) * kLanes;
        // lane in [lo - first, hi - first)
        const __m256i from = _mm256_set1_epi32(lo - first - 1), to = _mm256_set1_epi32(hi - first);
        call.lanes[b] = _mm256_and_si256(_mm256_cmpgt_epi32(lane_index, from),
                                         _mm256_cmpgt_epi32(to, lane_index));
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
          while (run < max_run && ox + run < out_w) {
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

#include "ops/kernels/binary_conv.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "ops/kernels/binary_conv_tiers.hpp"

namespace bitnas {

const char* to_string(PadMode mode) {
  switch (mode) {
    case PadMode::zero: return "zero";
    case PadMode::plus_one: return "plus_one";
    case PadMode::minus_one: return "minus_one";
  }
  return "?";
}

PadMode parse_pad_mode(const std::string& name) {
  if (name == "zero") return PadMode::zero;
  if (name == "plus_one") return PadMode::plus_one;
  if (name == "minus_one") return PadMode::minus_one;
  throw std::invalid_argument("unknown pad mode '" + name +
                              "' (expected zero, plus_one or minus_one)");
}

float pad_value(PadMode mode) {
  switch (mode) {
    case PadMode::zero: return 0.0f;
    case PadMode::plus_one: return 1.0f;
    case PadMode::minus_one: return -1.0f;
  }
  return 0.0f;
}

namespace {

// Bit i set when src[i] < 0 (so +0, -0 and NaN are +1, as sign(0) = +1 requires). The
// comparisons fill a byte array, which compilers vectorise, and one multiply per 8 flags
// moves their low bits into one byte: bit 8*i of `flags` lands on bit 56 + i. A plain
// shift-or loop over 64 comparisons does not vectorise and was ~5x slower.
std::uint64_t negative_bits_64(const float* src) {
  unsigned char flags[64];
  for (int i = 0; i < 64; ++i) flags[i] = src[i] < 0.0f;
  std::uint64_t word = 0;
  for (int k = 0; k < 8; ++k) {
    std::uint64_t eight;
    std::memcpy(&eight, flags + 8 * k, sizeof eight);
    word |= ((eight * 0x0102040810204080ull) >> 56) << (8 * k);
  }
  return word;
}

// The same for a channel tail of count < 64; the bits above count stay zero.
std::uint64_t negative_bits_tail(const float* src, int count) {
  std::uint64_t word = 0;
  for (int i = 0; i < count; ++i) word |= static_cast<std::uint64_t>(src[i] < 0.0f) << i;
  return word;
}

}  // namespace

void pack_signs_nhwc(const Tensor& x, int groups, PackedActivations& out) {
  require_rank(x, 4, "pack_signs_nhwc");
  const int c = x.dim(3);
  if (groups < 1 || c % groups != 0)
    throw std::invalid_argument("pack_signs_nhwc: " + std::to_string(groups) +
                                " groups do not divide " + std::to_string(c) + " channels");
  out.batch = x.dim(0);
  out.height = x.dim(1);
  out.width = x.dim(2);
  out.groups = groups;
  out.channels_per_group = c / groups;
  out.words_per_group = words_for_channels(out.channels_per_group);
  const long pixels = static_cast<long>(out.batch) * out.height * out.width;
  const int cg = out.channels_per_group, wpg = out.words_per_group, full_words = cg / 64;
  // Every word is written below, so old contents need no clearing.
  out.words.resize(static_cast<std::size_t>(pixels) * groups * wpg);
  tbb::parallel_for(tbb::blocked_range<long>(0, pixels, 256), [&](const tbb::blocked_range<long>& r) {
    for (long p = r.begin(); p != r.end(); ++p) {
      const float* src = x.data() + p * c;
      std::uint64_t* dst = out.words.data() + p * groups * wpg;
      for (int grp = 0; grp < groups; ++grp, src += cg, dst += wpg) {
        for (int i = 0; i < full_words; ++i) dst[i] = negative_bits_64(src + 64 * i);
        if (full_words < wpg)
          dst[full_words] = negative_bits_tail(src + 64 * full_words, cg % 64);
      }
    }
  });
}

namespace detail {

void compute_tap_sign_sums(const Tensor& w_ohwi, PackedWeights& w) {
  const int taps = w.kernel * w.kernel, cg = w.channels_per_group;
  w.tap_sign_sums.assign(static_cast<std::size_t>(w.out_c) * taps, 0);
  for (int o = 0; o < w.out_c; ++o)
    for (int t = 0; t < taps; ++t) {
      const float* src = w_ohwi.data() + (static_cast<long>(o) * taps + t) * cg;
      int sum = 0;
      for (int c = 0; c < cg; ++c) sum += src[c] < 0.0f ? -1 : 1;
      w.tap_sign_sums[static_cast<std::size_t>(o) * taps + t] = sum;
    }
}

void pack_weights_rows(const Tensor& w_ohwi, PackedWeights& w) {
  const int taps = w.kernel * w.kernel, cg = w.channels_per_group, wpg = w.words_per_group;
  w.words.assign(static_cast<std::size_t>(w.out_c) * taps * wpg, 0);
  for (int o = 0; o < w.out_c; ++o)
    for (int t = 0; t < taps; ++t) {
      const float* src = w_ohwi.data() + (static_cast<long>(o) * taps + t) * cg;
      std::uint64_t* dst = w.words.data() + (static_cast<std::size_t>(o) * taps + t) * wpg;
      for (int c = 0; c < cg; ++c)
        dst[c / 64] |= static_cast<std::uint64_t>(src[c] < 0.0f) << (c % 64);
    }
}

}  // namespace detail

PackedWeights pack_binary_weights(const Tensor& w_ohwi, int groups, Isa isa) {
  require_rank(w_ohwi, 4, "pack_binary_weights");
  if (w_ohwi.dim(1) != w_ohwi.dim(2))
    throw std::invalid_argument("pack_binary_weights: kernel must be square, got " +
                                w_ohwi.shape_string());
  if (groups < 1 || w_ohwi.dim(0) % groups != 0)
    throw std::invalid_argument("pack_binary_weights: groups must divide the output channels");
  if (!isa_supported(isa))
    throw std::runtime_error(std::string("binary conv tier ") + to_string(isa) +
                             " is not supported by this CPU");
  PackedWeights w;
  w.isa = isa;
  w.out_c = w_ohwi.dim(0);
  w.kernel = w_ohwi.dim(1);
  w.groups = groups;
  w.channels_per_group = w_ohwi.dim(3);
  w.words_per_group = words_for_channels(w.channels_per_group);
  detail::compute_tap_sign_sums(w_ohwi, w);
  switch (isa) {
    case Isa::portable: detail::pack_weights_rows(w_ohwi, w); break;
    case Isa::avx2:
      w.words.assign(detail::packed_weight_words_avx2(w.out_c, w.kernel * w.kernel, groups,
                                                      w.channels_per_group),
                     0);
      detail::pack_weights_avx2(w_ohwi.data(), w.out_c, w.kernel * w.kernel, groups,
                                w.channels_per_group, w.words.data());
      break;
    case Isa::avx512:
      w.words.assign(detail::packed_weight_words_avx512(w.out_c, w.kernel * w.kernel, groups,
                                                        w.channels_per_group),
                     0);
      detail::pack_weights_avx512(w_ohwi.data(), w.out_c, w.kernel * w.kernel, groups,
                                  w.channels_per_group, w.words.data());
      break;
    default:
      throw std::runtime_error(std::string("binary conv tier ") + to_string(isa) +
                               " is not built into this BitNAS");
  }
  return w;
}

void binary_conv_forward(const PackedActivations& x, const PackedWeights& w,
                         const ConvGeometry& g, PadMode pad, const OutputTransform& transform,
                         Tensor& y) {
  g.validate();
  if (x.batch != g.batch || x.height != g.in_h || x.width != g.in_w || x.groups != g.groups ||
      x.channels_per_group != g.in_c_per_group())
    throw std::invalid_argument("binary_conv_forward: packed input does not match " +
                                g.to_string());
  if (w.out_c != g.out_c || w.kernel != g.kernel || w.groups != g.groups ||
      w.channels_per_group != g.in_c_per_group())
    throw std::invalid_argument("binary_conv_forward: packed weights do not match " +
                                g.to_string());
  // Every tier writes every output, so a new y needs no zero-fill.
  if (y.shape() != g.output_shape()) y = Tensor::uninitialized(g.output_shape());
  // Packed weights may outlive the process that made them: never run a tier the CPU lacks.
  if (!isa_supported(w.isa))
    throw std::runtime_error(std::string("binary conv tier ") + to_string(w.isa) +
                             " is not supported by this CPU");
  auto tile_kernel = detail::binary_conv_tile_portable;
  switch (w.isa) {
    case Isa::portable: tile_kernel = detail::binary_conv_tile_portable; break;
    case Isa::avx2: tile_kernel = detail::binary_conv_tile_avx2; break;
    case Isa::avx512: tile_kernel = detail::binary_conv_tile_avx512; break;
    default:
      throw std::runtime_error(std::string("binary conv tier ") + to_string(w.isa) +
                               " is not built into this BitNAS");
  }
  // Tiles of a few output rows and at most 64 output channels: enough tasks for the cores
  // at small spatial sizes, each tile still long enough to amortise weight loads.
  constexpr int kRowsPerTile = 2, kChannelsPerTile = 64;
  const int oh = g.out_h();
  const int row_tiles = (oh + kRowsPerTile - 1) / kRowsPerTile;
  const int channel_tiles = (g.out_c + kChannelsPerTile - 1) / kChannelsPerTile;
  float* out = y.data();
  tbb::parallel_for(0, g.batch * row_tiles * channel_tiles, [&](int task) {
    const int ct = task % channel_tiles, rt = (task / channel_tiles) % row_tiles;
    const detail::ConvTile tile{task / (channel_tiles * row_tiles), rt * kRowsPerTile,
                                std::min(oh, (rt + 1) * kRowsPerTile), ct * kChannelsPerTile,
                                std::min(g.out_c, (ct + 1) * kChannelsPerTile)};
    tile_kernel(x, w, g, pad, transform, tile, out);
  });
}

Tensor binary_conv(const Tensor& x, const Tensor& w_ohwi, const ConvGeometry& g, PadMode pad,
                   Isa isa, const OutputTransform& transform) {
  PackedActivations packed_x;
  pack_signs_nhwc(x, g.groups, packed_x);
  const PackedWeights packed_w = pack_binary_weights(w_ohwi, g.groups, isa);
  Tensor y;
  binary_conv_forward(packed_x, packed_w, g, pad, transform, y);
  return y;
}

}  // namespace bitnas

#pragma once
// Bitwise binary convolution (docs/DESIGN.md, Binary convolution). Signs are packed along channels
// into 64-bit words (bit set = -1; sign(0) = +1), per channel group, with channel tails padded by
// zero bits in both operands; the true K is kept, so dot = K - 2 * popcount(a XOR w) stays exact.
//
// Pad modes: `zero` adds nothing for taps outside the image (the float conv on +-1 tensors
// with zero padding), `plus_one` / `minus_one` add +-sum(w) for those taps. The integer result
// goes through a per-output-channel output transform (y = acc * scale + offset) to float.
#include <cstdint>
#include <string>
#include <vector>

#include "ops/core/tensor.hpp"
#include "ops/kernels/conv_geometry.hpp"
#include "ops/kernels/cpu_features.hpp"

namespace bitnas {

enum class PadMode { zero, plus_one, minus_one };
const char* to_string(PadMode mode);
// "zero", "plus_one" or "minus_one"; throws std::invalid_argument otherwise.
PadMode parse_pad_mode(const std::string& name);
// The float value a pad tap holds in the equivalent float conv on +-1 tensors.
float pad_value(PadMode mode);

inline int words_for_channels(int channels) { return (channels + 63) / 64; }

// Sign bits of an NHWC tensor, laid out [N][H][W][group][words_per_group].
struct PackedActivations {
  int batch = 0, height = 0, width = 0, groups = 1, channels_per_group = 0, words_per_group = 0;
  AlignedVector<std::uint64_t> words;

  const std::uint64_t* pixel(int n, int y, int x) const {
    return words.data() +
           ((static_cast<std::size_t>(n) * height + y) * width + x) * groups * words_per_group;
  }
};

// Packs sign(x) of an NHWC tensor; reuses out's storage when the size allows.
void pack_signs_nhwc(const Tensor& x, int groups, PackedActivations& out);

// Sign bits of OHWI latent weights in the layout of one instruction-set tier, plus, per output
// channel and kernel tap, sum over the tap's channels of sign(w) (what a +-1 pad tap adds).
struct PackedWeights {
  Isa isa = Isa::portable;
  int out_c = 0, kernel = 0, groups = 1, channels_per_group = 0, words_per_group = 0;
  AlignedVector<std::uint64_t> words;      // tier-specific order
  std::vector<std::int32_t> tap_sign_sums;  // [out_c][kernel*kernel]
};

PackedWeights pack_binary_weights(const Tensor& w_ohwi, int groups, Isa isa);

// Optional per-output-channel affine map of the integer accumulator: y = acc * scale + offset.
// A null pointer means scale 1 / offset 0.
struct OutputTransform {
  const float* scale = nullptr;
  const float* offset = nullptr;
};

// y (NHWC, g.output_shape()) = transform(binary conv of the packed operands). Runs the tier the
// weights were packed for, in parallel over (image, output rows, output-channel blocks).
void binary_conv_forward(const PackedActivations& x, const PackedWeights& w,
                         const ConvGeometry& g, PadMode pad, const OutputTransform& transform,
                         Tensor& y);

// Packs both operands and runs binary_conv_forward: sign(x) (*) sign(w).
Tensor binary_conv(const Tensor& x, const Tensor& w_ohwi, const ConvGeometry& g, PadMode pad,
                   Isa isa, const OutputTransform& transform = {});

}  // namespace bitnas

// Binary convolution at every instruction-set tier this CPU runs, against the float conv on the
// same +-1 tensors (docs/DESIGN.md, Binary convolution: the binary conv must be bit-identical to
// it), plus sign packing, the output transform, tier cross-checks and the BITNAS_ISA override.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/core/random.hpp"
#include "ops/kernels/binary_conv.hpp"
#include "ops/kernels/float_conv.hpp"

namespace bitnas {
namespace {

constexpr PadMode kPadModes[] = {PadMode::zero, PadMode::plus_one, PadMode::minus_one};

struct ConvCase {
  int batch, size_h, size_w, cg, og, groups, kernel, stride, padding, dilation;

  ConvGeometry geometry() const {
    return ConvGeometry::for_input({batch, size_h, size_w, cg * groups}, og * groups, kernel,
                                   stride, padding, dilation, groups);
  }
};

// Real values whose signs the kernels take: exact zeros of both signs must count as +1.
void fill_with_zeros_and_signs(Tensor& t, Rng& rng) {
  for (float& v : t.values()) {
    const std::uint64_t kind = rng.below(10);
    v = kind == 0 ? 0.0f : kind == 1 ? -0.0f : rng.uniform(-2.0f, 2.0f);
  }
}

// sign(x) with sign(0) = +1, as +-1 floats: the float oracle's operands.
Tensor signs_of(const Tensor& t) {
  Tensor s(t.shape());
  for (std::int64_t i = 0; i < t.numel(); ++i) s[i] = t[i] < 0.0f ? -1.0f : 1.0f;
  return s;
}

// acc * scale + offset rounded after the multiply and after the add, as every tier computes
// it; `volatile` keeps the compiler from fusing the two into one FMA in this file.
float affine(float acc, float scale, float offset) {
  volatile float scaled = acc * scale;
  return scaled + offset;
}

std::string describe(const ConvGeometry& g, PadMode pad, Isa isa) {
  return g.to_string() + " pad=" + to_string(pad) + " isa=" + to_string(isa);
}

struct Operands {
  ConvGeometry g;
  Tensor x, w;              // real values
  Tensor x_signs, w_signs;  // their signs as +-1
  std::vector<float> scale, offset;
};

Operands make_operands(const ConvCase& c, Rng& rng) {
  Operands op{c.geometry(), {}, {}, {}, {}, {}, {}};
  op.x = Tensor(op.g.input_shape());
  op.w = Tensor(op.g.weight_shape());
  fill_with_zeros_and_signs(op.x, rng);
  fill_with_zeros_and_signs(op.w, rng);
  op.x_signs = signs_of(op.x);
  op.w_signs = signs_of(op.w);
  for (int o = 0; o < op.g.out_c; ++o) {
    op.scale.push_back(rng.uniform(-1.7f, 1.7f));
    op.offset.push_back(rng.uniform(-3.3f, 3.3f));
  }
  return op;
}

// Every tier, every pad mode: the plain result equals the float conv of the signs exactly, and
// with an output transform it equals acc * scale + offset of that float result.
void check_case_against_float(const ConvCase& c, Rng& rng) {
  const Operands op = make_operands(c, rng);
  const int out_c = op.g.out_c;
  for (PadMode pad : kPadModes) {
    const Tensor expect = float_conv_forward(op.x_signs, op.w_signs, op.g, pad_value(pad));
    for (Isa isa : supported_isas()) {
      const Tensor plain = binary_conv(op.x, op.w, op.g, pad, isa);
      ASSERT_EQ(plain.shape(), expect.shape()) << describe(op.g, pad, isa);
      for (std::int64_t i = 0; i < expect.numel(); ++i)
        ASSERT_EQ(plain[i], expect[i]) << describe(op.g, pad, isa) << " at " << i;

      // Outputs are not zero-filled before the kernel runs, so it must write every element,
      // whatever the buffer held: here NaN.
      Tensor stale(op.g.output_shape(), std::numeric_limits<float>::quiet_NaN());
      PackedActivations packed_x;
      pack_signs_nhwc(op.x, op.g.groups, packed_x);
      binary_conv_forward(packed_x, pack_binary_weights(op.w, op.g.groups, isa), op.g, pad, {},
                          stale);
      for (std::int64_t i = 0; i < expect.numel(); ++i)
        ASSERT_EQ(stale[i], expect[i]) << describe(op.g, pad, isa) << " over NaN at " << i;

      const OutputTransform transform{op.scale.data(), op.offset.data()};
      const Tensor affine_out = binary_conv(op.x, op.w, op.g, pad, isa, transform);
      for (std::int64_t i = 0; i < expect.numel(); ++i) {
        const int o = static_cast<int>(i % out_c);
        ASSERT_EQ(affine_out[i], affine(expect[i], op.scale[o], op.offset[o]))
            << describe(op.g, pad, isa) << " with scale/offset at " << i;
      }
    }
  }
}

// Each listed value of every knob appears at least once.
const std::vector<ConvCase>& covering_cases() {
  static const std::vector<ConvCase> cases = {
      // batch, h, w, cg, og, groups, kernel, stride, padding, dilation
      {1, 5, 5, 1, 13, 1, 3, 1, 1, 1},
      {7, 3, 5, 3, 5, 1, 3, 1, 1, 1},
      {1, 7, 7, 63, 17, 1, 3, 1, 1, 1},
      {1, 5, 7, 64, 16, 1, 3, 2, 1, 1},
      {1, 7, 5, 65, 9, 1, 3, 1, 1, 2},
      {1, 5, 5, 127, 33, 1, 3, 1, 1, 1},
      {1, 5, 3, 129, 20, 1, 3, 1, 1, 1},
      {1, 1, 1, 64, 24, 1, 1, 1, 0, 1},
      {7, 1, 1, 65, 7, 1, 3, 1, 1, 1},
      {1, 9, 9, 3, 11, 1, 5, 1, 2, 1},
      {1, 9, 7, 31, 12, 1, 5, 2, 2, 1},
      {7, 9, 9, 33, 10, 1, 5, 1, 4, 2},
      {1, 9, 9, 32, 19, 2, 3, 2, 1, 2},
      {1, 7, 9, 63, 6, 4, 3, 1, 1, 1},
      {1, 5, 5, 65, 10, 2, 1, 2, 0, 1},
      {7, 5, 5, 3, 3, 4, 3, 1, 1, 1},
      {1, 3, 3, 1, 1, 4, 3, 2, 1, 1},
      {1, 9, 9, 16, 20, 4, 3, 1, 1, 1},
      // More than one 64-channel dispatcher tile, groups straddling tile borders.
      {1, 5, 5, 20, 40, 4, 3, 1, 1, 1},
      {1, 9, 9, 64, 70, 1, 3, 1, 1, 1},
      // Padding wider than the kernel reaches: border pixels with no tap inside the image.
      {1, 3, 3, 65, 9, 1, 1, 1, 2, 1},
      {1, 3, 5, 5, 9, 1, 3, 2, 3, 1},
      // Rows of more than 6 pixels sharing their taps (the AVX-512 run length).
      {1, 3, 17, 64, 64, 1, 3, 1, 1, 1},
      {1, 5, 9, 129, 48, 1, 3, 1, 1, 1},
  };
  return cases;
}

TEST(BinaryConv, CoveringCasesMatchFloatConvOnSignsAtEveryTier) {
  Rng rng(20240611);
  for (const ConvCase& c : covering_cases()) {
    check_case_against_float(c, rng);
    if (HasFatalFailure()) return;
  }
}

TEST(BinaryConv, RandomCasesMatchFloatConvOnSignsAtEveryTier) {
  Rng rng(7);
  const int channels[] = {1, 3, 63, 64, 65, 127, 129};
  const int sizes[] = {1, 3, 5, 7, 9};
  const int kernels[] = {1, 3, 5};
  const int group_counts[] = {1, 2, 4};
  int checked = 0;
  while (checked < 150) {
    ConvCase c{};
    c.batch = rng.below(4) == 0 ? 7 : 1;
    c.size_h = sizes[rng.below(5)];
    c.size_w = sizes[rng.below(5)];
    c.groups = group_counts[rng.below(3)];
    c.cg = channels[rng.below(7)];
    if (c.groups > 1 && c.cg > 65) c.cg /= c.groups;  // keep grouped cases cheap
    c.og = 1 + static_cast<int>(rng.below(40));
    c.kernel = kernels[rng.below(3)];
    c.stride = 1 + static_cast<int>(rng.below(2));
    c.dilation = 1 + static_cast<int>(rng.below(2));
    c.padding = static_cast<int>(rng.below(static_cast<std::uint64_t>(c.kernel) + 1));
    const int span = c.dilation * (c.kernel - 1) + 1;
    if (c.size_h + 2 * c.padding < span || c.size_w + 2 * c.padding < span) continue;
    check_case_against_float(c, rng);
    if (HasFatalFailure()) return;
    ++checked;
  }
}

// A scale without an offset adds +0 (turning a -0 product into +0, as the portable tier does),
// and an offset without a scale multiplies by 1.
TEST(BinaryConv, OutputTransformWithOnlyScaleOrOnlyOffset) {
  Rng rng(99);
  const Operands op = make_operands({2, 5, 5, 70, 21, 1, 3, 1, 1, 1}, rng);
  std::vector<float> scale = op.scale;
  scale[3] = -0.5f;  // negative: a zero accumulator gives -0 before the +0 is added
  for (PadMode pad : kPadModes) {
    const Tensor expect = float_conv_forward(op.x_signs, op.w_signs, op.g, pad_value(pad));
    for (Isa isa : supported_isas()) {
      const Tensor scaled = binary_conv(op.x, op.w, op.g, pad, isa, {scale.data(), nullptr});
      const Tensor shifted = binary_conv(op.x, op.w, op.g, pad, isa, {nullptr, op.offset.data()});
      for (std::int64_t i = 0; i < expect.numel(); ++i) {
        const int o = static_cast<int>(i % op.g.out_c);
        ASSERT_EQ(std::bit_cast<std::uint32_t>(scaled[i]),
                  std::bit_cast<std::uint32_t>(affine(expect[i], scale[o], 0.0f)))
            << describe(op.g, pad, isa) << " scale only at " << i;
        ASSERT_EQ(shifted[i], affine(expect[i], 1.0f, op.offset[o]))
            << describe(op.g, pad, isa) << " offset only at " << i;
      }
    }
  }
}

// Larger layers than the float oracle can afford in bulk: every tier equals the portable one
// bit for bit (and the portable one equals the float conv).
TEST(BinaryConv, TiersAgreeBitForBitOnLargeLayers) {
  Rng rng(1234);
  const ConvCase layers[] = {
      {2, 16, 16, 128, 128, 1, 3, 1, 1, 1},  // ResNet18 stage 2 at CIFAR size
      {2, 8, 8, 128, 100, 2, 3, 2, 1, 1},    // grouped, strided, 100 outputs per group
      {1, 9, 9, 96, 72, 1, 5, 1, 4, 2},      // dilated 5x5
  };
  for (const ConvCase& c : layers) {
    const Operands op = make_operands(c, rng);
    const OutputTransform transform{op.scale.data(), op.offset.data()};
    for (PadMode pad : kPadModes) {
      const Tensor reference = binary_conv(op.x, op.w, op.g, pad, Isa::portable, transform);
      if (pad == PadMode::minus_one) {
        const Tensor expect = float_conv_forward(op.x_signs, op.w_signs, op.g, pad_value(pad));
        for (std::int64_t i = 0; i < expect.numel(); ++i)
          ASSERT_EQ(reference[i],
                    affine(expect[i], op.scale[i % op.g.out_c], op.offset[i % op.g.out_c]))
              << describe(op.g, pad, Isa::portable) << " at " << i;
      }
      for (Isa isa : supported_isas()) {
        const Tensor got = binary_conv(op.x, op.w, op.g, pad, isa, transform);
        for (std::int64_t i = 0; i < reference.numel(); ++i)
          ASSERT_EQ(std::bit_cast<std::uint32_t>(got[i]),
                    std::bit_cast<std::uint32_t>(reference[i]))
              << describe(op.g, pad, isa) << " at " << i;
      }
    }
  }
}

// Every bit differing (or none) over a long K: counters reach their extremes, which random
// signs never do (the AVX2 tier's byte counters must be widened before they wrap).
TEST(BinaryConv, ExtremeDotProductsOverLongK) {
  for (const int channels : {128, 129}) {
    for (const float weight_value : {1.0f, -1.0f}) {
      const ConvGeometry g = ConvGeometry::for_input({1, 5, 5, channels}, 19, 5, 1, 2);
      const Tensor x(g.input_shape(), -1.0f);
      const Tensor w(g.weight_shape(), weight_value);
      for (PadMode pad : kPadModes) {
        const Tensor expect = float_conv_forward(x, w, g, pad_value(pad));
        for (Isa isa : supported_isas()) {
          const Tensor got = binary_conv(x, w, g, pad, isa);
          for (std::int64_t i = 0; i < expect.numel(); ++i)
            ASSERT_EQ(got[i], expect[i])
                << describe(g, pad, isa) << " w=" << weight_value << " at " << i;
        }
      }
    }
  }
}

// Forward with operands packed once and reused, the way training uses the kernels.
TEST(BinaryConv, ForwardReusesPackedOperandsAndOutput) {
  Rng rng(5);
  const Operands a = make_operands({3, 7, 7, 64, 24, 1, 3, 1, 1, 1}, rng);
  const Operands b = make_operands({3, 7, 7, 64, 24, 1, 3, 1, 1, 1}, rng);
  for (Isa isa : supported_isas()) {
    const PackedWeights w = pack_binary_weights(a.w, 1, isa);
    PackedActivations x;
    Tensor y;  // sized by the first call
    for (const Operands* op : {&a, &b}) {
      pack_signs_nhwc(op->x, 1, x);
      binary_conv_forward(x, w, op->g, PadMode::zero, {}, y);
      const Tensor expect = float_conv_forward(op->x_signs, a.w_signs, op->g, 0.0f);
      ASSERT_EQ(y.shape(), expect.shape());
      for (std::int64_t i = 0; i < expect.numel(); ++i)
        ASSERT_EQ(y[i], expect[i]) << to_string(isa) << " at " << i;
    }
  }
}

TEST(BinaryConv, ForwardRejectsOperandsOfAnotherGeometry) {
  Rng rng(3);
  const Operands op = make_operands({1, 5, 5, 8, 4, 1, 3, 1, 1, 1}, rng);
  PackedActivations x;
  pack_signs_nhwc(op.x, 1, x);
  const PackedWeights w = pack_binary_weights(op.w, 1, Isa::portable);
  Tensor y;
  ConvGeometry wider = op.g;
  wider.in_w = 6;
  EXPECT_THROW(binary_conv_forward(x, w, wider, PadMode::zero, {}, y), std::invalid_argument);
  ConvGeometry more_outputs = op.g;
  more_outputs.out_c = 8;
  EXPECT_THROW(binary_conv_forward(x, w, more_outputs, PadMode::zero, {}, y),
               std::invalid_argument);
}

bool bit_of(const PackedActivations& p, int n, int y, int x, int group, int channel) {
  const std::uint64_t word = p.pixel(n, y, x)[group * p.words_per_group + channel / 64];
  return (word >> (channel % 64)) & 1u;
}

TEST(PackSigns, ZeroAndNegativeZeroAreOnlyNegativesSetBits) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const float values[] = {0.0f,   -0.0f, 1.0f, -1.0f, -1e-30f, -1e-45f /* denormal */,
                          1e-45f, nan,   -nan, inf,   -inf,    -3.5f};
  const bool negative[] = {false, false, false, true,  true, true,
                           false, false, false, false, true, true};
  const int count = static_cast<int>(std::size(values));
  // 70 channels: one full word and a 6-channel tail per pixel.
  Tensor x({1, 1, 2, 70});
  for (int c = 0; c < 70; ++c) {
    x.at(0, 0, 0, c) = values[c % count];
    x.at(0, 0, 1, c) = values[(c + 5) % count];
  }
  PackedActivations p;
  pack_signs_nhwc(x, 1, p);
  ASSERT_EQ(p.words_per_group, 2);
  for (int px = 0; px < 2; ++px)
    for (int c = 0; c < 70; ++c)
      EXPECT_EQ(bit_of(p, 0, 0, px, 0, c), negative[(c + 5 * px) % count])
          << "pixel " << px << " channel " << c << " value " << x.at(0, 0, px, c);
}

TEST(PackSigns, ChannelTailBitsStayZeroPerGroup) {
  // Every value negative: all real channel bits set, every bit past a group's channels clear,
  // even when `out` held other bits before.
  for (int groups : {1, 2, 4}) {
    for (int cg : {1, 3, 63, 64, 65, 127, 129}) {
      PackedActivations p;
      Tensor stale({2, 3, 3, 256}, -1.0f);
      pack_signs_nhwc(stale, 1, p);  // leaves set bits in the reused storage
      Tensor x({2, 3, 3, cg * groups}, -2.0f);
      pack_signs_nhwc(x, groups, p);
      ASSERT_EQ(p.channels_per_group, cg);
      ASSERT_EQ(p.words_per_group, (cg + 63) / 64);
      ASSERT_EQ(p.words.size(), static_cast<std::size_t>(2 * 3 * 3 * groups * p.words_per_group));
      for (std::size_t i = 0; i < p.words.size(); ++i) {
        const int word_in_group = static_cast<int>(i % p.words_per_group);
        const int bits = std::min(64, cg - 64 * word_in_group);
        const std::uint64_t expect = bits == 64 ? ~0ull : (1ull << bits) - 1;
        ASSERT_EQ(p.words[i], expect) << "groups " << groups << " cg " << cg << " word " << i;
      }
    }
  }
}

TEST(PackSigns, LayoutIsPixelThenGroupThenWord) {
  Rng rng(11);
  Tensor x({2, 3, 4, 2 * 70});
  fill_with_zeros_and_signs(x, rng);
  PackedActivations p;
  pack_signs_nhwc(x, 2, p);
  for (int n = 0; n < 2; ++n)
    for (int y = 0; y < 3; ++y)
      for (int xx = 0; xx < 4; ++xx)
        for (int g = 0; g < 2; ++g)
          for (int c = 0; c < 70; ++c)
            ASSERT_EQ(bit_of(p, n, y, xx, g, c), x.at(n, y, xx, g * 70 + c) < 0.0f);
}

TEST(PackSigns, RejectsGroupsThatDoNotDivideTheChannels) {
  PackedActivations p;
  EXPECT_THROW(pack_signs_nhwc(Tensor({1, 2, 2, 6}), 4, p), std::invalid_argument);
  EXPECT_THROW(pack_signs_nhwc(Tensor({1, 2, 2, 6}), 0, p), std::invalid_argument);
}

// Sets BITNAS_ISA for one scope and restores what was there before.
class ScopedIsaEnv {
 public:
  explicit ScopedIsaEnv(const char* value) {
    if (const char* old = std::getenv("BITNAS_ISA")) saved_ = old;
    if (value)
      setenv("BITNAS_ISA", value, 1);
    else
      unsetenv("BITNAS_ISA");
  }
  ~ScopedIsaEnv() {
    if (saved_)
      setenv("BITNAS_ISA", saved_->c_str(), 1);
    else
      unsetenv("BITNAS_ISA");
  }

 private:
  std::optional<std::string> saved_;
};

TEST(IsaSelection, BitnasIsaForcesEverySupportedTier) {
  const std::vector<Isa> tiers = supported_isas();
  ASSERT_FALSE(tiers.empty());
  EXPECT_EQ(tiers.front(), Isa::portable);
  {
    ScopedIsaEnv env(nullptr);
    EXPECT_EQ(active_isa(), tiers.back());
  }
  {
    ScopedIsaEnv env("");
    EXPECT_EQ(active_isa(), tiers.back());
  }
  for (Isa isa : tiers) {
    ScopedIsaEnv env(to_string(isa));
    EXPECT_EQ(active_isa(), isa);
    EXPECT_EQ(parse_isa(to_string(isa)), isa);
  }
}

TEST(IsaSelection, UnknownOrUnsupportedTiersThrow) {
  EXPECT_THROW(parse_isa("avx9000"), std::invalid_argument);
  EXPECT_THROW(parse_isa("AVX2"), std::invalid_argument);
  EXPECT_THROW(parse_isa(""), std::invalid_argument);
  try {
    parse_isa("sse");
    FAIL() << "parse_isa accepted 'sse'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("sse"), std::string::npos) << e.what();
  }
  {
    ScopedIsaEnv env("neon");
    EXPECT_THROW(active_isa(), std::invalid_argument);
  }
  for (Isa isa : {Isa::avx2, Isa::avx512}) {
    if (isa_supported(isa)) continue;
    ScopedIsaEnv env(to_string(isa));
    EXPECT_THROW(active_isa(), std::runtime_error);
    EXPECT_THROW(pack_binary_weights(Tensor({1, 1, 1, 1}), 1, isa), std::runtime_error);
  }
}

TEST(BinaryPadMode, NamesRoundTripAndPadValues) {
  for (PadMode pad : kPadModes) EXPECT_EQ(parse_pad_mode(to_string(pad)), pad);
  EXPECT_THROW(parse_pad_mode("reflect"), std::invalid_argument);
  EXPECT_EQ(pad_value(PadMode::zero), 0.0f);
  EXPECT_EQ(pad_value(PadMode::plus_one), 1.0f);
  EXPECT_EQ(pad_value(PadMode::minus_one), -1.0f);
}

}  // namespace
}  // namespace bitnas

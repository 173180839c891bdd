// The binary conv's backward in bfloat16 (float_conv_backward with BackwardPrecision::bfloat16
// on +-1 tensors): every kernel gives the same bits, the result does not depend on the thread
// count, and it stays within bfloat16's rounding of the incoming gradient of the float32 one.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "ops/core/random.hpp"
#include "ops/kernels/bf16_gemm.hpp"
#include "ops/kernels/float_conv.hpp"

namespace bitnas {
namespace {

struct Case {
  int batch, size, in_c, out_c, kernel, stride, padding, groups;
  float pad_value;
};

// Odd sizes, both strides, groups, 1x1, the three pad values of the binary pad modes.
constexpr Case kCases[] = {
    {3, 7, 5, 9, 3, 1, 1, 1, 0.0f},   {2, 6, 16, 32, 3, 2, 1, 1, -1.0f},
    {9, 4, 8, 8, 3, 1, 1, 2, 1.0f},   {5, 5, 3, 17, 1, 1, 0, 1, 0.0f},
    {1, 9, 33, 7, 3, 1, 1, 1, -1.0f}, {10, 3, 12, 6, 3, 2, 1, 3, 0.0f},
};

ConvGeometry geometry_of(const Case& c) {
  return ConvGeometry::for_input({c.batch, c.size, c.size, c.in_c}, c.out_c, c.kernel, c.stride,
                                 c.padding, 1, c.groups);
}

Tensor random_signs(const Shape& shape, Rng& rng) {
  Tensor t(shape);
  for (float& v : t.values()) v = rng.below(2) ? 1.0f : -1.0f;
  return t;
}

Tensor random_gradient(const Shape& shape, Rng& rng) {
  Tensor t(shape);
  for (float& v : t.values()) v = rng.normal() * 1e-3f;
  return t;
}

struct Gradients {
  Tensor input, weight;
};

Gradients backward(const Tensor& x, const Tensor& w, const Tensor& dy, const Case& c,
                   BackwardPrecision precision, Bf16Kernel kernel) {
  Gradients out;
  out.weight = Tensor(w.shape());
  float_conv_backward(x, w, dy, geometry_of(c), c.pad_value, &out.input, &out.weight, precision,
                      kernel);
  return out;
}

void expect_same_bits(const Tensor& a, const Tensor& b, const std::string& what) {
  ASSERT_EQ(a.numel(), b.numel()) << what;
  EXPECT_EQ(std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.numel()) * sizeof(float)),
            0)
      << what;
}

TEST(BinaryConvBackwardBf16, EveryKernelAndThreadCountGiveTheSameBits) {
  Rng rng(21);
  for (const Case& c : kCases) {
    const ConvGeometry g = geometry_of(c);
    const Tensor x = random_signs(g.input_shape(), rng), w = random_signs(g.weight_shape(), rng);
    const Tensor dy = random_gradient(g.output_shape(), rng);
    const Gradients reference =
        backward(x, w, dy, c, BackwardPrecision::bfloat16, Bf16Kernel::portable);
    for (Bf16Kernel kernel : supported_bf16_kernels()) {
      for (int threads : {1, 2}) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        const Gradients got = backward(x, w, dy, c, BackwardPrecision::bfloat16, kernel);
        const std::string what = g.to_string() + " kernel " + to_string(kernel) + ", " +
                                 std::to_string(threads) + " threads";
        expect_same_bits(got.input, reference.input, "grad_input " + what);
        expect_same_bits(got.weight, reference.weight, "grad_weight " + what);
      }
    }
  }
}

// Each gradient is a sum of +-dy terms: bfloat16 changes each term by at most 2^-9 of its size.
TEST(BinaryConvBackwardBf16, StaysWithinBf16RoundingOfTheFloat32Backward) {
  Rng rng(4);
  for (const Case& c : kCases) {
    const ConvGeometry g = geometry_of(c);
    const Tensor x = random_signs(g.input_shape(), rng), w = random_signs(g.weight_shape(), rng);
    const Tensor dy = random_gradient(g.output_shape(), rng);
    const Gradients exact = backward(x, w, dy, c, BackwardPrecision::float32, Bf16Kernel::portable);
    const Gradients bf16 = backward(x, w, dy, c, BackwardPrecision::bfloat16, Bf16Kernel::portable);
    // Bound on |sum of terms|: the number of terms times the largest |dy|.
    float max_dy = 0.0f;
    for (float v : dy.values()) max_dy = std::max(max_dy, std::fabs(v));
    const double input_terms = static_cast<double>(g.out_c_per_group()) * c.kernel * c.kernel;
    const double weight_terms = static_cast<double>(c.batch) * g.out_pixels_per_image();
    for (std::int64_t i = 0; i < exact.input.numel(); ++i)
      ASSERT_NEAR(bf16.input[i], exact.input[i], input_terms * max_dy * 0x1.0p-8)
          << g.to_string() << " grad_input at " << i;
    for (std::int64_t i = 0; i < exact.weight.numel(); ++i)
      ASSERT_NEAR(bf16.weight[i], exact.weight[i], weight_terms * max_dy * 0x1.0p-8)
          << g.to_string() << " grad_weight at " << i;
    // And it is not the float32 result: the rounding is really there.
    bool differs = false;
    for (std::int64_t i = 0; i < exact.weight.numel() && !differs; ++i)
      differs = bf16.weight[i] != exact.weight[i];
    EXPECT_TRUE(differs) << g.to_string();
  }
}

TEST(BinaryConvBackwardBf16, PrecisionNamesParseAndUnknownOnesAreRefused) {
  EXPECT_EQ(parse_backward_precision("float32"), BackwardPrecision::float32);
  EXPECT_EQ(parse_backward_precision("bfloat16"), BackwardPrecision::bfloat16);
  EXPECT_STREQ(to_string(BackwardPrecision::bfloat16), "bfloat16");
  try {
    parse_backward_precision("fp16");
    FAIL() << "fp16 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'fp16'"), std::string::npos) << e.what();
  }
  // The fallback: bfloat16 only where the vector kernel runs.
  EXPECT_EQ(usable_backward_precision(BackwardPrecision::bfloat16) == BackwardPrecision::bfloat16,
            best_bf16_kernel() == Bf16Kernel::avx512_bf16);
  EXPECT_EQ(usable_backward_precision(BackwardPrecision::float32), BackwardPrecision::float32);
}

}  // namespace
}  // namespace bitnas

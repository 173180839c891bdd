// The bfloat16 GEMM of the binary conv's reduced-precision backward: rounding, packing, every
// kernel this CPU runs bit-identical to the portable one on odd shapes, and the portable one
// within float32 rounding of an exact sum of the bf16-rounded operands.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "ops/core/random.hpp"
#include "ops/kernels/bf16_gemm.hpp"

namespace bitnas {
namespace {

// A gradient-like matrix (normal values over a range of magnitudes) and a sign-like one
// (+-1 with some 0s, as the pad taps of a zero-padded conv).
std::vector<float> gradient_values(int count, Rng& rng) {
  std::vector<float> v(static_cast<std::size_t>(count));
  for (float& x : v) x = rng.normal() * std::ldexp(1.0f, static_cast<int>(rng.below(24)) - 12);
  return v;
}

std::vector<float> sign_values(int count, Rng& rng) {
  std::vector<float> v(static_cast<std::size_t>(count));
  for (float& x : v) {
    const auto r = rng.below(8);
    x = r == 0 ? 0.0f : (r % 2 ? 1.0f : -1.0f);
  }
  return v;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(Bf16Rounding, RoundsToNearestEvenAndFlushesSubnormals) {
  EXPECT_EQ(from_bf16(to_bf16(1.0f)), 1.0f);
  EXPECT_EQ(from_bf16(to_bf16(-3.0f)), -3.0f);
  // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even significand (1).
  EXPECT_EQ(from_bf16(to_bf16(1.0f + 0x1.0p-8f)), 1.0f);
  EXPECT_EQ(from_bf16(to_bf16(1.0f + 0x1.8p-8f)), 1.0f + 0x1.0p-7f);
  EXPECT_EQ(from_bf16(to_bf16(1.0f + 3 * 0x1.0p-8f)), 1.0f + 0x1.0p-6f);  // tie, to even
  const float tiny = std::numeric_limits<float>::denorm_min() * 5;
  EXPECT_TRUE(same_bits(from_bf16(to_bf16(tiny)), 0.0f));
  EXPECT_TRUE(same_bits(from_bf16(to_bf16(-tiny)), -0.0f));
  EXPECT_TRUE(std::isnan(from_bf16(to_bf16(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_EQ(from_bf16(to_bf16(std::numeric_limits<float>::infinity())),
            std::numeric_limits<float>::infinity());
  EXPECT_EQ(from_bf16(to_bf16(std::numeric_limits<float>::max())),
            std::numeric_limits<float>::infinity());  // rounds up past the largest bf16
}

TEST(Bf16Packing, TransposedRowsMatchRowsOfTheTranspose) {
  Rng rng(3);
  for (int m : {1, 5, 16}) {
    for (int k : {1, 2, 7, 10}) {
      const std::vector<float> a = gradient_values(m * k, rng);  // m x k, row-major
      std::vector<float> at(static_cast<std::size_t>(k) * m);     // its transpose
      for (int r = 0; r < m; ++r)
        for (int c = 0; c < k; ++c) at[c * m + r] = a[r * k + c];
      Bf16Pairs rows, transposed;
      pack_bf16_rows(a.data(), m, k, k, rows);
      pack_bf16_transposed_rows(at.data(), m, k, m, transposed);
      EXPECT_EQ(rows, transposed) << m << "x" << k;
      // An odd last element is paired with +0.
      if (k % 2) {
        for (int r = 0; r < m; ++r) EXPECT_EQ(rows[(r + 1) * bf16_pair_count(k) - 1] >> 16, 0u);
      }
    }
  }
}

struct Case {
  int m, n, k;
};

constexpr Case kCases[] = {{1, 1, 1},   {3, 5, 2},    {8, 32, 64},  {9, 33, 7},
                           {7, 17, 31}, {17, 16, 3},  {24, 64, 18}, {5, 47, 129},
                           {16, 15, 1}, {13, 100, 9}, {2, 31, 250}};

// C = A * B from row-major A (m x k) and B (k x n) through the packers the conv uses.
void run(const Case& c, const std::vector<float>& a, const std::vector<float>& b, float* out,
         bool accumulate, Bf16Kernel kernel) {
  Bf16Pairs pa, pb;
  pack_bf16_rows(a.data(), c.m, c.k, c.k, pa);
  pack_bf16_pair_rows(b.data(), c.k, c.n, c.n, pb);
  bf16_gemm(pa, pb, c.m, c.n, c.k, out, c.n + 3, accumulate, kernel);
}

TEST(Bf16Gemm, EveryKernelGivesThePortableBitsOnOddShapes) {
  const std::vector<Bf16Kernel> kernels = supported_bf16_kernels();
  ASSERT_EQ(kernels.front(), Bf16Kernel::portable);
  if (kernels.size() == 1)
    GTEST_SKIP() << "this CPU has no AVX512_BF16: only the portable kernel runs here";
  Rng rng(11);
  for (const Case& c : kCases) {
    for (bool accumulate : {false, true}) {
      const std::vector<float> a = gradient_values(c.m * c.k, rng);
      const std::vector<float> b = sign_values(c.k * c.n, rng);
      const long ldc = c.n + 3;  // a row stride wider than n: the gap must stay untouched
      std::vector<float> start = gradient_values(static_cast<int>(c.m * ldc), rng);
      start[0] = std::numeric_limits<float>::denorm_min() * 3;  // DAZ on the accumulator
      std::vector<float> expected = start;
      run(c, a, b, expected.data(), accumulate, Bf16Kernel::portable);
      for (Bf16Kernel kernel : kernels) {
        std::vector<float> got = start;
        run(c, a, b, got.data(), accumulate, kernel);
        for (std::size_t i = 0; i < got.size(); ++i)
          ASSERT_TRUE(same_bits(got[i], expected[i]))
              << to_string(kernel) << " " << c.m << "x" << c.n << "x" << c.k
              << " accumulate=" << accumulate << " at " << i << ": " << got[i] << " vs "
              << expected[i];
      }
    }
  }
}

TEST(Bf16Gemm, PortableKernelIsTheExactSumOfRoundedOperandsUpToFloatRounding) {
  Rng rng(5);
  for (const Case& c : kCases) {
    const std::vector<float> a = gradient_values(c.m * c.k, rng);
    const std::vector<float> b = sign_values(c.k * c.n, rng);
    std::vector<float> got(static_cast<std::size_t>(c.m) * (c.n + 3), 7.0f);
    run(c, a, b, got.data(), false, Bf16Kernel::portable);
    for (int r = 0; r < c.m; ++r) {
      for (int col = 0; col < c.n; ++col) {
        double exact = 0, magnitude = 0;
        for (int j = 0; j < c.k; ++j) {
          const double term = static_cast<double>(from_bf16(to_bf16(a[r * c.k + j]))) *
                              b[j * c.n + col];
          exact += term;
          magnitude += std::fabs(term);
        }
        EXPECT_NEAR(got[r * (c.n + 3) + col], exact, c.k * 0x1.0p-24 * magnitude + 1e-30)
            << c.m << "x" << c.n << "x" << c.k << " at " << r << "," << col;
      }
      for (int col = c.n; col < c.n + 3; ++col) EXPECT_EQ(got[r * (c.n + 3) + col], 7.0f);
    }
  }
}

TEST(Bf16Gemm, RefusesOperandsSmallerThanTheShape) {
  Bf16Pairs a(4), b(16);
  float c[64];
  EXPECT_THROW(bf16_gemm(a, b, 4, 16, 4, c, 16, false, Bf16Kernel::portable),
               std::invalid_argument);
}

}  // namespace
}  // namespace bitnas

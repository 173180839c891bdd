#include "ops/kernels/bf16_gemm.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "ops/kernels/bf16_gemm_tiers.hpp"
#include "ops/kernels/cpu_features.hpp"

namespace bitnas {

std::uint16_t to_bf16(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  if ((u & 0x7f800000u) == 0) return static_cast<std::uint16_t>((u >> 16) & 0x8000u);  // 0, subnormal
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 0x0040u);  // NaN
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<std::uint16_t>(u >> 16);
}

float from_bf16(std::uint16_t h) {
  const std::uint32_t u = static_cast<std::uint32_t>(h) << 16;
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

namespace {

std::uint32_t pair(float even, float odd) {
  return static_cast<std::uint32_t>(to_bf16(even)) |
         (static_cast<std::uint32_t>(to_bf16(odd)) << 16);
}

// Flush-to-zero of a float32 result, keeping its sign, as VDPBF16PS does.
float flushed(float x) {
  return std::fabs(x) < std::numeric_limits<float>::min() ? std::copysign(0.0f, x) : x;
}

void gemm_portable(const std::uint32_t* a, const std::uint32_t* b, int m, int n, int pairs,
                   int b_stride, float* c, long ldc, bool accumulate) {
  for (int r = 0; r < m; ++r) {
    for (int col = 0; col < n; ++col) {
      float acc = accumulate ? flushed(c[r * ldc + col]) : 0.0f;
      for (int j = 0; j < pairs; ++j) {
        const std::uint32_t x = a[static_cast<long>(r) * pairs + j];
        const std::uint32_t y = b[static_cast<long>(j) * b_stride + col];
        acc = flushed(acc + from_bf16(static_cast<std::uint16_t>(x >> 16)) *
                                from_bf16(static_cast<std::uint16_t>(y >> 16)));
        acc = flushed(acc + from_bf16(static_cast<std::uint16_t>(x & 0xffffu)) *
                                from_bf16(static_cast<std::uint16_t>(y & 0xffffu)));
      }
      c[r * ldc + col] = acc;
    }
  }
}

}  // namespace

void pack_bf16_rows(const float* a, int m, int k, long row_stride, Bf16Pairs& out) {
  const int pairs = bf16_pair_count(k);
  out.resize(static_cast<std::size_t>(m) * pairs);
  for (int r = 0; r < m; ++r) {
    const float* row = a + r * row_stride;
    std::uint32_t* o = out.data() + static_cast<long>(r) * pairs;
    for (int j = 0; j < k / 2; ++j) o[j] = pair(row[2 * j], row[2 * j + 1]);
    if (k % 2) o[pairs - 1] = pair(row[k - 1], 0.0f);
  }
}

void pack_bf16_transposed_rows(const float* at, int m, int k, long row_stride, Bf16Pairs& out) {
  const int pairs = bf16_pair_count(k);
  out.resize(static_cast<std::size_t>(m) * pairs);
  // A transpose, in blocks of 16 pairs: the 32 rows of A^T a block reads stay in cache while
  // every row of the result gets one whole cache line (16 words) of it.
  constexpr int kBlock = 16;
  for (int j0 = 0; j0 < pairs; j0 += kBlock) {
    const int j1 = std::min(pairs, j0 + kBlock);
    for (int r = 0; r < m; ++r) {
      std::uint32_t* o = out.data() + static_cast<long>(r) * pairs;
      for (int j = j0; j < j1; ++j) {
        const float even = at[(2 * j) * row_stride + r];
        const float odd = 2 * j + 1 < k ? at[(2 * j + 1) * row_stride + r] : 0.0f;
        o[j] = pair(even, odd);
      }
    }
  }
}

void pack_bf16_pair_rows(const float* b, int k, int n, long row_stride, Bf16Pairs& out) {
  const int pairs = bf16_pair_count(k), cols = bf16_padded_columns(n);
  out.resize(static_cast<std::size_t>(pairs) * cols);
  for (int j = 0; j < pairs; ++j) {
    const float* even = b + (2 * j) * row_stride;
    const float* odd = 2 * j + 1 < k ? even + row_stride : nullptr;
    std::uint32_t* o = out.data() + static_cast<long>(j) * cols;
    for (int col = 0; col < n; ++col) o[col] = pair(even[col], odd ? odd[col] : 0.0f);
    for (int col = n; col < cols; ++col) o[col] = 0;
  }
}

const char* to_string(Bf16Kernel kernel) {
  return kernel == Bf16Kernel::avx512_bf16 ? "avx512_bf16" : "portable";
}

std::vector<Bf16Kernel> supported_bf16_kernels() {
  std::vector<Bf16Kernel> out{Bf16Kernel::portable};
  if (bf16_dot_supported()) out.push_back(Bf16Kernel::avx512_bf16);
  return out;
}

Bf16Kernel best_bf16_kernel() { return supported_bf16_kernels().back(); }

void bf16_gemm(const Bf16Pairs& a, const Bf16Pairs& b, int m, int n, int k, float* c,
               long ldc, bool accumulate, Bf16Kernel kernel) {
  const int pairs = bf16_pair_count(k), b_stride = bf16_padded_columns(n);
  if (a.size() < static_cast<std::size_t>(m) * pairs ||
      b.size() < static_cast<std::size_t>(pairs) * b_stride)
    throw std::invalid_argument("bf16_gemm: packed operands smaller than " + std::to_string(m) +
                                "x" + std::to_string(k) + " * " + std::to_string(k) + "x" +
                                std::to_string(n));
  if (kernel == Bf16Kernel::avx512_bf16) {
    if (!bf16_dot_supported())
      throw std::runtime_error("bf16_gemm: this CPU has no AVX512_BF16");
    detail::bf16_gemm_avx512(a.data(), b.data(), m, n, pairs, b_stride, c, ldc, accumulate);
  } else {
    gemm_portable(a.data(), b.data(), m, n, pairs, b_stride, c, ldc, accumulate);
  }
}

}  // namespace bitnas

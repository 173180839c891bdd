// AVX512_BF16 kernel of bf16_gemm.hpp: VDPBF16PS on register tiles of 8 rows x 32 columns
// (16 accumulators; per pair of k: two row loads of B, eight broadcasts of A).
#include <immintrin.h>

#include "ops/kernels/bf16_gemm_tiers.hpp"

namespace bitnas::detail {

namespace {

__mmask16 lanes(int count) {
  return count >= 16 ? static_cast<__mmask16>(0xffff)
                     : static_cast<__mmask16>((1u << (count > 0 ? count : 0)) - 1u);
}

template <int kRows, int kVectors>
void tile(const std::uint32_t* a, int pairs, const std::uint32_t* b, int b_stride, int columns,
          float* c, long ldc, bool accumulate) {
  const __mmask16 mask[2] = {lanes(columns), lanes(columns - 16)};
  // Every loop over rows and vectors is unrolled, so the accumulators live in registers
  // (without it GCC keeps them on the stack and the kernel runs at a third of its speed).
  __m512 sum[kRows][kVectors];
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v)
      sum[r][v] = accumulate ? _mm512_maskz_loadu_ps(mask[v], c + r * ldc + 16 * v)
                             : _mm512_setzero_ps();
  for (int j = 0; j < pairs; ++j) {
    const std::uint32_t* row = b + static_cast<long>(j) * b_stride;
    __m512bh bv[kVectors];
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) bv[v] = (__m512bh)_mm512_loadu_si512(row + 16 * v);
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r) {
      const __m512bh av =
          (__m512bh)_mm512_set1_epi32(static_cast<int>(a[static_cast<long>(r) * pairs + j]));
#pragma GCC unroll 2
      for (int v = 0; v < kVectors; ++v) sum[r][v] = _mm512_dpbf16_ps(sum[r][v], av, bv[v]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v)
      _mm512_mask_storeu_ps(c + r * ldc + 16 * v, mask[v], sum[r][v]);
}

template <int kVectors>
void row_block(int rows, const std::uint32_t* a, int pairs, const std::uint32_t* b, int b_stride,
               int columns, float* c, long ldc, bool accumulate) {
  switch (rows) {
    case 8: return tile<8, kVectors>(a, pairs, b, b_stride, columns, c, ldc, accumulate);
    case 7: return tile<7, kVectors>(a, pairs, b, b_stride, columns, c, ldc, accumulate);
    case 6: return tile<6, kVectors>(a, pairs, b, b_stride, columns, c, ldc, accumulate);
    case 5: return tile<5, kVectors>(a, pairs, b, b_stride, columns, c, ldc, accumulate);
    case 4: return tile<4, kVectors>(a, pairs, b, b_stride, columns, c, ldc, accumulate);
    case 3: return tile<3, kVectors>(a, pairs, b, b_stride, columns, c, ldc, accumulate);
    case 2: return tile<2, kVectors>(a, pairs, b, b_stride, columns, c, ldc, accumulate);
    default: return tile<1, kVectors>(a, pairs, b, b_stride, columns, c, ldc, accumulate);
  }
}

}  // namespace

void bf16_gemm_avx512(const std::uint32_t* a, const std::uint32_t* b, int m, int n, int pairs,
                      int b_stride, float* c, long ldc, bool accumulate) {
  constexpr int kRows = 8, kColumns = 32;
  // Column panels outside, so one panel of B (pairs x 32 words) stays in cache while every
  // row block of A streams past it.
  for (int col = 0; col < n; col += kColumns) {
    const int columns = n - col < kColumns ? n - col : kColumns;
    for (int r = 0; r < m; r += kRows) {
      const int rows = m - r < kRows ? m - r : kRows;
      const std::uint32_t* a_rows = a + static_cast<long>(r) * pairs;
      float* c_tile = c + r * ldc + col;
      if (columns > 16)
        row_block<2>(rows, a_rows, pairs, b + col, b_stride, columns, c_tile, ldc, accumulate);
      else
        row_block<1>(rows, a_rows, pairs, b + col, b_stride, columns, c_tile, ldc, accumulate);
    }
  }
}

}  // namespace bitnas::detail

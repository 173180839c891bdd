#pragma once
// C = A * B with A and B rounded to bfloat16 and float32 accumulation: the engine of the
// binary conv's reduced-precision backward. Both GEMMs of that backward multiply the incoming
// gradient by a matrix of +-1 (the weights' or the inputs' signs, or a 0 pad), which bfloat16
// holds exactly, so only the gradient loses bits and every product is exact.
//
// Operands are packed in pairs along the reduction dimension k, the layout of VDPBF16PS: one
// 32-bit word holds bf16(x[2j]) in its low half and bf16(x[2j+1]) in its high half; an odd
// last element is paired with 0. Each output is accumulated pair by pair in k order, adding
// the odd element's product and then the even one's, each addition rounded to float32, with
// subnormal values flushed to zero: the order and rounding VDPBF16PS uses, so the vector
// kernel and the portable kernel give the same bits (tests check it on every shape).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ops/core/aligned_allocator.hpp"

namespace bitnas {

// bfloat16 of x, rounded to nearest even; subnormals become a signed 0, NaN stays NaN.
std::uint16_t to_bf16(float x);
float from_bf16(std::uint16_t h);

using Bf16Pairs = std::vector<std::uint32_t, DefaultInitAlignedAllocator<std::uint32_t>>;

// Rounds k to whole pairs.
inline int bf16_pair_count(int k) { return (k + 1) / 2; }
// Columns of a packed B, padded so vector kernels load whole 16-lane rows.
inline int bf16_padded_columns(int n) { return (n + 15) / 16 * 16; }

// A (m x k, element (r, c) at a[r * row_stride + c]) packed as m rows of pair_count(k) words.
void pack_bf16_rows(const float* a, int m, int k, long row_stride, Bf16Pairs& out);
// A given transposed: element (r, c) of A is at at[c * row_stride + r] (m x k result).
void pack_bf16_transposed_rows(const float* at, int m, int k, long row_stride, Bf16Pairs& out);
// B (k x n, element (r, c) at b[r * row_stride + c]) packed as pair_count(k) rows of
// padded_columns(n) words.
void pack_bf16_pair_rows(const float* b, int k, int n, long row_stride, Bf16Pairs& out);

enum class Bf16Kernel { portable, avx512_bf16 };
const char* to_string(Bf16Kernel kernel);
// Every kernel this CPU can run (portable first), and the fastest of them.
std::vector<Bf16Kernel> supported_bf16_kernels();
Bf16Kernel best_bf16_kernel();

// C (m x n, row stride ldc) = A * B, from packed operands with k/2 rounded-up pairs.
// `accumulate` adds onto C instead of overwriting it.
void bf16_gemm(const Bf16Pairs& a, const Bf16Pairs& b, int m, int n, int k, float* c,
               long ldc, bool accumulate, Bf16Kernel kernel);

}  // namespace bitnas

#pragma once
// The vector kernel behind bf16_gemm.hpp, in its own file compiled for AVX512_BF16 and called
// only after cpuid says the CPU has it (raw pointers only, as the binary-conv tiers).
#include <cstdint>

namespace bitnas::detail {

void bf16_gemm_avx512(const std::uint32_t* a, const std::uint32_t* b, int m, int n, int pairs,
                      int b_stride, float* c, long ldc, bool accumulate);

}  // namespace bitnas::detail

#pragma once
// The arithmetic of a binary conv's backward GEMMs. float32: exact float arithmetic (Eigen).
// bfloat16: dL/dy rounded to bfloat16, float32 accumulation (bf16_gemm.hpp): exact products
// only where x and w are exactly representable in bfloat16 (+-1 and 0, the binary conv's
// signs), which is the one use it is meant for.
#include <string>

namespace bitnas {

enum class BackwardPrecision { float32, bfloat16 };
const char* to_string(BackwardPrecision precision);
// Parses "float32" or "bfloat16"; throws std::invalid_argument naming the value otherwise.
BackwardPrecision parse_backward_precision(const std::string& name);
// What a run asking for `requested` gets on this CPU: bfloat16 falls back to float32 where
// the CPU has no AVX512_BF16 (the portable bfloat16 kernel is a test reference, far slower).
BackwardPrecision usable_backward_precision(BackwardPrecision requested);
// What a run says when `key` asked for bfloat16 and this CPU gives it float32.
std::string backward_precision_fallback_note(const std::string& key);

}  // namespace bitnas

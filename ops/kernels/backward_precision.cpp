#include "ops/kernels/backward_precision.hpp"

#include <stdexcept>

#include "ops/kernels/cpu_features.hpp"

namespace bitnas {

const char* to_string(BackwardPrecision precision) {
  return precision == BackwardPrecision::bfloat16 ? "bfloat16" : "float32";
}

BackwardPrecision parse_backward_precision(const std::string& name) {
  if (name == "float32") return BackwardPrecision::float32;
  if (name == "bfloat16") return BackwardPrecision::bfloat16;
  throw std::invalid_argument("unknown backward precision '" + name +
                              "' (expected float32 or bfloat16)");
}

BackwardPrecision usable_backward_precision(BackwardPrecision requested) {
  return requested == BackwardPrecision::bfloat16 && !bf16_dot_supported()
             ? BackwardPrecision::float32
             : requested;
}

std::string backward_precision_fallback_note(const std::string& key) {
  return key + ": bfloat16 needs AVX512_BF16, which this CPU lacks; the binary convs' backward "
               "runs in float32";
}

}  // namespace bitnas

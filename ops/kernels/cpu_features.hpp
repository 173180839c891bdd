#pragma once
// Run-time choice of the binary-kernel instruction-set tier (ncnn style: one interface, the
// implementation picked from cpuid). BITNAS_ISA=portable|avx2|avx512 forces a tier.
#include <string>
#include <vector>

namespace bitnas {

enum class Isa { portable, avx2, avx512 };

const char* to_string(Isa isa);
// Parses "portable", "avx2" or "avx512"; throws std::invalid_argument otherwise.
Isa parse_isa(const std::string& name);

struct CpuFeatures {
  bool popcnt = false;
  bool avx2 = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512vpopcntdq = false;
  bool avx512bf16 = false;  // VDPBF16PS: bfloat16 pair dot products into float32
  bool os_saves_avx = false;     // XCR0 has the YMM state bits
  bool os_saves_avx512 = false;  // XCR0 has the ZMM / opmask state bits
};

const CpuFeatures& cpu_features();
// Names of the features present, e.g. {"popcnt", "avx2", "avx512f", ...}.
std::vector<std::string> cpu_feature_names();

bool isa_supported(Isa isa);
// Every tier this CPU can run, lowest first (tests iterate over it).
std::vector<Isa> supported_isas();
// The best supported tier, unless BITNAS_ISA names one; forcing an unsupported tier throws.
Isa active_isa();

// Whether the bfloat16 GEMM's vector kernel (AVX512_BF16) can run here.
bool bf16_dot_supported();

}  // namespace bitnas

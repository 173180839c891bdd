#include "ops/kernels/cpu_features.hpp"

#include <cpuid.h>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>

namespace bitnas {

const char* to_string(Isa isa) {
  switch (isa) {
    case Isa::portable: return "portable";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
  }
  return "?";
}

Isa parse_isa(const std::string& name) {
  if (name == "portable") return Isa::portable;
  if (name == "avx2") return Isa::avx2;
  if (name == "avx512") return Isa::avx512;
  throw std::invalid_argument("unknown instruction-set tier '" + name +
                              "' (expected portable, avx2 or avx512)");
}

namespace {

std::uint64_t read_xcr0() {
  std::uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<std::uint64_t>(edx) << 32) | eax;
}

CpuFeatures detect() {
  CpuFeatures f;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  f.popcnt = (ecx >> 23) & 1;
  const bool osxsave = (ecx >> 27) & 1;
  if (osxsave) {
    const std::uint64_t xcr0 = read_xcr0();
    f.os_saves_avx = (xcr0 & 0x6) == 0x6;
    f.os_saves_avx512 = (xcr0 & 0xE6) == 0xE6;
  }
  if (__get_cpuid_max(0, nullptr) >= 7) {
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    f.avx2 = (ebx >> 5) & 1;
    f.avx512f = (ebx >> 16) & 1;
    f.avx512bw = (ebx >> 30) & 1;
    f.avx512vl = (ebx >> 31) & 1;
    f.avx512vpopcntdq = (ecx >> 14) & 1;
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    f.avx512bf16 = (eax >> 5) & 1;
  }
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

std::vector<std::string> cpu_feature_names() {
  const CpuFeatures& f = cpu_features();
  std::vector<std::string> names;
  if (f.popcnt) names.push_back("popcnt");
  if (f.avx2 && f.os_saves_avx) names.push_back("avx2");
  if (f.os_saves_avx512) {
    if (f.avx512f) names.push_back("avx512f");
    if (f.avx512bw) names.push_back("avx512bw");
    if (f.avx512vl) names.push_back("avx512vl");
    if (f.avx512vpopcntdq) names.push_back("avx512vpopcntdq");
    if (f.avx512bf16) names.push_back("avx512bf16");
  }
  return names;
}

bool isa_supported(Isa isa) {
  const CpuFeatures& f = cpu_features();
  switch (isa) {
    case Isa::portable: return true;
    case Isa::avx2: return f.avx2 && f.popcnt && f.os_saves_avx;
    case Isa::avx512:
      return f.avx512f && f.avx512bw && f.avx512vl && f.avx512vpopcntdq && f.os_saves_avx512 &&
             isa_supported(Isa::avx2);
  }
  return false;
}

std::vector<Isa> supported_isas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::portable, Isa::avx2, Isa::avx512})
    if (isa_supported(isa)) out.push_back(isa);
  return out;
}

Isa active_isa() {
  if (const char* forced = std::getenv("BITNAS_ISA"); forced && *forced) {
    const Isa isa = parse_isa(forced);
    if (!isa_supported(isa))
      throw std::runtime_error(std::string("BITNAS_ISA=") + forced +
                               " but this CPU does not support that tier");
    return isa;
  }
  return supported_isas().back();
}

bool bf16_dot_supported() {
  const CpuFeatures& f = cpu_features();
  return f.avx512bf16 && f.avx512f && f.avx512bw && f.avx512vl && f.os_saves_avx512;
}

}  // namespace bitnas

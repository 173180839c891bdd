// `bitnas version`: what was built and what the CPU gives the binary kernels.
#include <nlohmann/json.hpp>

#include <iostream>

#include "nas/commands.hpp"
#include "ops/kernels/bf16_gemm.hpp"
#include "ops/kernels/cpu_features.hpp"

namespace bitnas::cli {

void register_version_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "print version, build type, CPU features and kernel tier");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print one JSON object");
  cmd->callback([json] {
    std::vector<std::string> tiers;
    for (Isa isa : supported_isas()) tiers.push_back(to_string(isa));
    const std::string active = to_string(active_isa());
    if (*json) {
      nlohmann::json j{{"version", BITNAS_VERSION},   {"build_type", BITNAS_BUILD_TYPE},
                       {"cpu_features", cpu_feature_names()}, {"supported_tiers", tiers},
                       {"kernel_tier", active},
                       {"bf16_backward_kernel", to_string(best_bf16_kernel())}};
      std::cout << j.dump() << "\n";
      return;
    }
    std::cout << "bitnas " << BITNAS_VERSION << " (" << BITNAS_BUILD_TYPE << ")\n";
    std::cout << "cpu features:";
    for (const auto& f : cpu_feature_names()) std::cout << ' ' << f;
    std::cout << "\nsupported kernel tiers:";
    for (const auto& t : tiers) std::cout << ' ' << t;
    std::cout << "\nkernel tier: " << active << "\n";
    // bfloat16 backward runs where the vector kernel does; elsewhere it falls back to float32.
    std::cout << "bfloat16 backward: "
              << (best_bf16_kernel() == Bf16Kernel::avx512_bf16 ? "avx512_bf16"
                                                                 : "unavailable (float32)")
              << "\n";
  });
}

}  // namespace bitnas::cli

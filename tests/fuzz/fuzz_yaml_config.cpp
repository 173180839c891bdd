// libFuzzer target: the YAML config reader (ConfigSection) and the section readers that need
// no op registry: data, trainer (optimizer, lr_schedule), evaluator, objective. Every bad
// input must end in a ConfigError; any other exception or crash is a bug.
#include <cstdint>
#include <string>

#include "evaluators/reward_config.hpp"
#include "evaluators/train_config.hpp"
#include "search_spaces/yaml_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const bitnas::ConfigSection root = bitnas::ConfigSection::load_string(text, "fuzz.yaml");
    bitnas::parse_data_config(root.section_or_empty("data"));
    bitnas::parse_trainer_config(root.section_or_empty("trainer"));
    bitnas::parse_evaluator_config(root.section_or_empty("evaluator"));
    bitnas::parse_objective_config(root.section_or_empty("objective"));
    root.reject_unknown_keys();
  } catch (const bitnas::ConfigError&) {
  }
  return 0;
}

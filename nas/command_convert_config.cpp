// `bitnas convert-config AW_NAS.yaml [-o BITNAS.yaml]`: shows the BitNAS config an aw_nas
// config is read as (search, train and describe apply the same translation themselves).
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "aw_nas_compat/aw_nas_config.hpp"
#include "nas/commands.hpp"
#include "search_spaces/yaml_reader.hpp"

namespace bitnas::cli {

namespace {

struct ConvertOptions {
  std::string input;
  std::optional<std::string> output;
  bool quiet = false;
};

void run_convert(const ConvertOptions& o) {
  const std::string text = read_config_file(o.input);
  if (!looks_like_aw_nas_config(text))
    throw std::invalid_argument(o.input + " has no aw_nas component keys (search_space_type, "
                                "controller_type, final_model_cfg, ...); it is not an aw_nas "
                                "config, or already a BitNAS one");
  const AwNasTranslation translation = translate_aw_nas_config(text, o.input);
  if (!o.quiet)
    for (const std::string& warning : translation.warnings)
      std::cerr << "bitnas: warning: " << warning << "\n";
  if (!o.output) {
    std::cout << translation.yaml;
    return;
  }
  std::ofstream file(*o.output, std::ios::binary);
  file << translation.yaml;
  file.close();
  if (!file) throw std::runtime_error("cannot write " + *o.output);
  std::cerr << "bitnas: wrote " << *o.output << " (" << translation.warnings.size()
            << " aw_nas keys not honoured, listed at its top)\n";
}

}  // namespace

void register_convert_config_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "convert-config",
      "translate an aw_nas config (search_space_type/_cfg, controller_*, evaluator_*,\n"
      "weights_manager_*, objective_*, final_model_*, final_trainer_*, dataset_type) into a\n"
      "BitNAS config. search, train and describe read aw_nas configs through the same\n"
      "translation; this command shows it. Every aw_nas key the translation cannot honour is\n"
      "named in a warning on stderr and in a comment at the top of the output.");
  auto o = std::make_shared<ConvertOptions>();
  cmd->add_option("config", o->input, "aw_nas YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", o->output, "write the BitNAS YAML here instead of stdout");
  cmd->add_flag("--quiet,-q", o->quiet, "no warnings on stderr (they stay in the output's comments)");
  cmd->callback([o] { run_convert(*o); });
}

}  // namespace bitnas::cli

// `bitnas gen-sample-config [--controller TYPE] [--aw-nas] [search|train]` (nas/sample_config.hpp).
#include <iostream>
#include <memory>
#include <stdexcept>

#include "nas/commands.hpp"
#include "nas/sample_config.hpp"

namespace bitnas::cli {

void register_gen_sample_config_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "gen-sample-config",
      "print a complete search or train config: every key, its default and a one-line comment");
  auto kind = std::make_shared<std::string>("search");
  auto controller = std::make_shared<std::string>("random");
  cmd->add_option("KIND", *kind, "search (default) or train")
      ->check(CLI::IsMember({"search", "train"}));
  auto* controller_option = cmd->add_option("--controller", *controller,
                  "controller type of the search sample: random (default), evolution, "
                  "reinforce or differentiable");
  auto aw_nas = std::make_shared<bool>(false);
  cmd->add_flag("--aw-nas", *aw_nas,
                "print the config in aw_nas's layout (search_space_cfg, controller_type, "
                "final_trainer_cfg, ...), which BitNAS translates; each key says what it becomes");
  cmd->callback([kind, controller, controller_option, aw_nas] {
    const SampleConfigKind k =
        *kind == "train" ? SampleConfigKind::train : SampleConfigKind::search;
    if (k == SampleConfigKind::train && controller_option->count() > 0)
      throw std::invalid_argument("--controller applies to search configs only");
    std::cout << (*aw_nas ? aw_nas_sample_config_yaml(k, *controller)
                          : sample_config_yaml(k, *controller));
  });
}

}  // namespace bitnas::cli

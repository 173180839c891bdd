// `bitnas ops [NAME]`: the op registry as a reference (nas/op_listing.hpp).
#include <iostream>
#include <memory>
#include <optional>

#include "nas/commands.hpp"
#include "nas/op_listing.hpp"

namespace bitnas::cli {

void register_ops_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "ops", "list every op a search space can use: description, aliases, parameters, cost");
  auto name = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("NAME", *name, "show only this op (a BitNAS name or an aw_nas alias)");
  cmd->add_flag("--json", *json, "print one JSON array of op objects");
  cmd->callback([name, json] {
    const std::optional<std::string> only =
        name->empty() ? std::nullopt : std::optional<std::string>(*name);
    if (*json) std::cout << op_listing_json(only).dump() << "\n";
    else std::cout << op_listing_text(only);
  });
}

}  // namespace bitnas::cli

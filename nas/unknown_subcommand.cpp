#include "nas/unknown_subcommand.hpp"

namespace bitnas::cli {

std::optional<std::string> unknown_subcommand_message(const CLI::App& app, const std::string& word) {
  if (word.empty() || word.front() == '-') return std::nullopt;
  std::string known;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == word) return std::nullopt;
    known += (known.empty() ? "" : ", ") + sub->get_name();
  }
  return "unknown subcommand '" + word + "' (subcommands: " + known + ")";
}

}  // namespace bitnas::cli

#pragma once
// CLI11 answers an unknown first word with "A subcommand is required", which hides the typo;
// this names the word and the subcommands there are.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace bitnas::cli {

// The message for `word` (the first command-line argument) when it is neither an option nor
// a subcommand of `app`; nullopt otherwise.
std::optional<std::string> unknown_subcommand_message(const CLI::App& app, const std::string& word);

}  // namespace bitnas::cli

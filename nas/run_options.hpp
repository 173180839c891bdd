#pragma once
// Command-line options `search` and `train` share, declared once so both refuse the same bad
// values with the same messages.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace bitnas::cli {

// A --max-memory value in bytes; nullopt when the option was not given (empty).
std::optional<double> max_memory_bytes(const std::string& max_memory);

struct RunOptions {
  std::string db = "runs/results.db";
  bool no_db = false;
  int threads = -1;  // -1: the config's value
  std::string max_memory;  // empty: the machine's physical memory

  std::optional<double> max_memory_bytes() const { return cli::max_memory_bytes(max_memory); }
};

// --db and --no-db (which exclude each other), --threads (0..kMaxThreads; `config_key` names
// the setting it overrides) and --max-memory.
void add_run_options(CLI::App* command, RunOptions& options, const std::string& config_key);

// --max-memory alone (describe has it too): a size such as 8G, checked as it is parsed.
void add_max_memory_option(CLI::App* command, std::string& max_memory);

}  // namespace bitnas::cli

#pragma once
// Command-line options `search` and `train` share, declared once so both refuse the same bad
// values with the same messages.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace bitnas::cli {

struct RunOptions {
  std::string db = "runs/results.db";
  bool no_db = false;
  int threads = -1;  // -1: the config's value
  std::string max_memory;  // empty: the machine's physical memory

  // The --max-memory limit in bytes, if given.
  std::optional<double> max_memory_bytes() const;
};

// --db and --no-db (which exclude each other), --threads (0..kMaxThreads; `config_key` names
// the setting it overrides) and --max-memory.
void add_run_options(CLI::App* command, RunOptions& options, const std::string& config_key);

}  // namespace bitnas::cli

#include "nas/run_options.hpp"

#include "evaluators/memory_budget.hpp"
#include "evaluators/train_config.hpp"

namespace bitnas::cli {

std::optional<double> max_memory_bytes(const std::string& max_memory) {
  if (max_memory.empty()) return std::nullopt;
  return parse_memory_size(max_memory);
}

void add_max_memory_option(CLI::App* command, std::string& max_memory) {
  command
      ->add_option("--max-memory", max_memory,
                   "refuse to start when the estimated memory (parameters, activations, data) "
                   "exceeds this, e.g. 8G (default: the machine's physical memory)")
      ->check([](const std::string& text) {
        try {
          parse_memory_size(text);
        } catch (const std::invalid_argument& e) {
          return std::string(e.what());
        }
        return std::string();
      });
}

void add_run_options(CLI::App* command, RunOptions& options, const std::string& config_key) {
  auto* db = command->add_option("--db", options.db, "results database (SQLite), created if missing")
                 ->capture_default_str();
  command->add_flag("--no-db", options.no_db, "record nothing in a database")->excludes(db);
  command
      ->add_option("--threads", options.threads,
                   "override " + config_key + " (0: every core; at most " +
                       std::to_string(kMaxThreads) + ")")
      ->check(CLI::Range(0, kMaxThreads));
  add_max_memory_option(command, options.max_memory);
}

}  // namespace bitnas::cli

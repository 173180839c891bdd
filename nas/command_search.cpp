// `bitnas search`: a weight-sharing architecture search from a YAML file.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

#include "aw_nas_compat/translated_config.hpp"
#include "evaluators/interrupt.hpp"
#include "evaluators/memory_budget.hpp"
#include "nas/commands.hpp"
#include "ops/core/log.hpp"
#include "nas/run_options.hpp"
#include "nas/search/search_run.hpp"
#include "nas/search_terminal_progress.hpp"
#include "nas/terminal_progress.hpp"

namespace bitnas::cli {

namespace {

struct SearchArgs {
  std::string config;
  RunOptions run;
  std::string run_dir;
  int seed = -1, epochs = 0, train_limit = -1;
  bool resume = false, quiet = false, json = false;
};

// Refuses a search whose supernet cannot fit before anything is allocated.
void check_search_memory(const SearchConfig& config, std::optional<double> max_memory) {
  const ModelKind kind = config.controller.kind == ControllerKind::differentiable ? ModelKind::supernet_all_ops
                                                                     : ModelKind::supernet_path;
  const MemoryEstimate estimate =
      estimate_memory(config.space, dataset_input(config.data), kind, config.schedule.batch_size,
                      dataset_bytes(config.data));
  check_memory_budget(estimate, max_memory, config.source,
                      "search_space.init_channels (or layer_channels), num_layers, num_steps or "
                      "the number of primitives",
                      "search.batch_size");
}

void run(const SearchArgs& a) {
  SearchRequest request;
  request.config = parse_search_config(read_config_translating_aw_nas(a.config), a.config);
  if (a.seed >= 0) request.config.schedule.seed = static_cast<std::uint64_t>(a.seed);
  if (a.run.threads >= 0) request.config.schedule.threads = a.run.threads;
  if (a.epochs > 0) {
    request.config.schedule.epochs = a.epochs;
    // A shorter search keeps its warm-up within its supernet epochs.
    request.config.schedule.warmup_epochs = std::min(request.config.schedule.warmup_epochs, a.epochs);
  }
  if (a.train_limit >= 0) request.config.data.train_limit = a.train_limit;
  check_search_memory(request.config, a.run.max_memory_bytes());
  request.name = std::filesystem::path(a.config).stem().string();
  request.run_dir = a.run_dir.empty() ? std::filesystem::path("runs") /
                                            ("search-" + search_config_hash(request.config))
                                      : std::filesystem::path(a.run_dir);
  if (!a.run.no_db) request.db_path = a.run.db;
  request.resume = a.resume;

  SearchTerminalProgress progress(a.quiet);
  const SearchSchedule& plan = request.config.schedule;
  progress.message("searching " + request.name + " for " + std::to_string(plan.total_epochs()) +
                   " epochs (" + std::to_string(plan.warmup_epochs) + " warm-up, " +
                   std::to_string(plan.epochs - plan.warmup_epochs) + " interleaved, " +
                   std::to_string(plan.controller_epochs) + " on the frozen supernet); checkpoints in " +
                   request.run_dir.string() +
                   (request.db_path ? "; results in " + request.db_path->string() : ""));
  SearchOutcome out;
  try {
    out = run_search(request, progress);
  } catch (const Interrupted&) {
    logger().warn("bitnas: interrupted; the last finished epoch is checkpointed in {}; rerun the "
               "same command with --resume to continue",
               request.run_dir.string());
    throw;
  }
  if (out.was_finished) progress.message("this search had already finished; nothing to do");
  if (a.json) {
    nlohmann::json j{{"name", request.name},
                     {"checkpoint", out.checkpoint.string()},
                     {"samples", out.samples},
                     {"best_reward", out.samples > 0 ? nlohmann::json(out.best_reward) : nullptr},
                     {"best_genotype", out.samples > 0 ? nlohmann::json(out.best_genotype) : nullptr},
                     {"seconds", out.seconds},
                     {"stopped_by_time_budget", out.stopped_by_time_budget}};
    if (out.run_id) j["run_id"] = *out.run_id;
    std::cout << j.dump() << "\n";
    return;
  }
  std::cout << out.samples << " genotypes evaluated in " << format_duration(out.seconds);
  if (out.samples > 0)  // a search of warm-up epochs only scores none
    std::cout << "; best shared-weights reward " << out.best_reward << "\n"
              << "best sampled genotype: " << out.best_genotype;
  std::cout << "\n";
  if (out.run_id) {
    std::cout << "search run " << *out.run_id << " in " << a.run.db << ". Next:\n"
              << "  bitnas derive --db " << a.run.db << " --run " << *out.run_id
              << " -o genotypes.yaml\n"
              << "  bitnas query --db " << a.run.db << " history " << *out.run_id << "\n";
  }
}

}  // namespace

void register_search_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "search",
      "Search binary architectures with a weight-sharing supernet.\n"
      "CONFIG.yaml has aw_nas-style sections: search_space, controller (random, evolution,\n"
      "reinforce, differentiable), evaluator, objective, weights_manager, data, and search\n"
      "(the schedule); an aw_nas config (search_space_type, controller_type, ...) is read\n"
      "through its translation (bitnas convert-config shows it). Every sampled genotype and\n"
      "its reward goes into the results database; every epoch is checkpointed, and --resume\n"
      "continues a killed search bit-identically.");
  auto a = std::make_shared<SearchArgs>();
  cmd->add_option("config", a->config, "search YAML file")->required()->check(CLI::ExistingFile);
  add_run_options(cmd, a->run, "search.threads");
  cmd->add_option("--run-dir", a->run_dir,
                  "checkpoint directory (default runs/search-<config hash>, so the same command "
                  "with --resume finds it)");
  cmd->add_flag("--resume", a->resume, "continue the search checkpointed in the run dir");
  cmd->add_option("--seed", a->seed, "override search.seed")->check(CLI::NonNegativeNumber);
  cmd->add_option("--epochs", a->epochs, "override search.epochs (supernet epochs; a longer warm-up is cut to fit)")
      ->check(CLI::Range(1, kMaxEpochs));
  cmd->add_option("--train-limit", a->train_limit,
                  "override data.train_limit: use only this many training images (0: all)")
      ->check(CLI::Range(0, kMaxImages));
  cmd->add_flag("--quiet,-q", a->quiet, "no progress output");
  cmd->add_flag("--json", a->json, "print the outcome as one JSON object");
  cmd->callback([a] { run(*a); });
}

}  // namespace bitnas::cli

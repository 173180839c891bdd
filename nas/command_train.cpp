// `bitnas train`: retrain a genotype or baseline from scratch from a YAML file.
#include <nlohmann/json.hpp>

#include <iostream>

#include "aw_nas_compat/translated_config.hpp"
#include "evaluators/interrupt.hpp"
#include "evaluators/memory_budget.hpp"
#include "evaluators/train_request.hpp"
#include "nas/commands.hpp"
#include "ops/core/log.hpp"
#include "nas/genotype_file.hpp"
#include "nas/run_options.hpp"
#include "nas/terminal_progress.hpp"

namespace bitnas::cli {

namespace {

struct TrainArgs {
  std::string config;
  std::string genotype, genotype_file, baseline;
  int rank = 1;
  int epochs = 0, seed = -1, train_limit = 0;
  RunOptions run;
  std::string run_dir, name;
  bool resume = false, quiet = false, json = false;
};

// Refuses a network that cannot fit before anything is allocated.
void check_train_memory(const TrainRequest& r, std::optional<double> max_memory) {
  const MemoryEstimate estimate =
      estimate_memory(r.model.space, dataset_input(r.data), ModelKind::network,
                      r.trainer.batch_size, dataset_bytes(r.data));
  check_memory_budget(estimate, max_memory, r.config_source,
                      "search_space.init_channels (or layer_channels) or num_layers",
                      "trainer.batch_size");
}

nlohmann::json metrics_json(const EpochMetrics& m) {
  nlohmann::json j{{"epoch", m.epoch}};
  auto put = [&](const char* key, const std::optional<double>& v) {
    if (v) j[key] = *v;
  };
  put("train_loss", m.train_loss);
  put("train_acc", m.train_acc);
  put("valid_loss", m.valid_loss);
  put("valid_acc", m.valid_acc);
  put("test_acc", m.test_acc);
  put("lr", m.lr);
  put("images_per_s", m.images_per_s);
  put("wall_s", m.wall_s);
  return j;
}

void run_train(const TrainArgs& a) {
  TrainOverrides overrides;
  if (!a.baseline.empty()) overrides.baseline = a.baseline;
  if (!a.genotype.empty()) overrides.genotype = a.genotype;
  if (!a.genotype_file.empty()) overrides.genotype = read_genotype_file(a.genotype_file, a.rank);
  if (a.epochs > 0) overrides.epochs = a.epochs;
  if (a.seed >= 0) overrides.seed = a.seed;
  if (a.run.threads >= 0) overrides.threads = a.run.threads;
  if (a.train_limit > 0) overrides.train_limit = a.train_limit;

  TrainRequest request = make_train_request(read_config_translating_aw_nas(a.config), a.config, overrides);
  check_train_memory(request, a.run.max_memory_bytes());
  request.run_dir = a.run_dir.empty()
                        ? std::filesystem::path("runs") / ("train-" + training_config_hash(request))
                        : std::filesystem::path(a.run_dir);
  if (!a.run.no_db) request.db_path = a.run.db;
  if (!a.name.empty()) request.name = a.name;
  request.resume = a.resume;

  TerminalProgress progress(a.quiet);
  progress.message("training " + request.name + " for " + std::to_string(request.trainer.epochs) +
                   " epochs; checkpoints in " + request.run_dir.string() +
                   (request.db_path ? "; results in " + request.db_path->string() : ""));
  TrainOutcome outcome;
  try {
    outcome = train(request, progress);
  } catch (const Interrupted&) {
    logger().warn("bitnas: interrupted; the last finished epoch is checkpointed in {}; rerun the "
               "same command with --resume to continue",
               checkpoint_path(request.run_dir).string());
    throw;
  }
  if (outcome.was_finished) progress.message("this run had already finished; nothing to train");
  if (a.json) {
    nlohmann::json j{{"name", request.name},
                     {"test_accuracy", outcome.test_accuracy},
                     {"test_loss", outcome.test_loss},
                     {"train_seconds", outcome.train_seconds},
                     {"checkpoint", outcome.checkpoint.string()},
                     {"epochs", nlohmann::json::array()}};
    if (outcome.valid_accuracy) j["valid_accuracy"] = *outcome.valid_accuracy;
    if (outcome.run_id) j["run_id"] = *outcome.run_id;
    for (const auto& m : outcome.epochs) j["epochs"].push_back(metrics_json(m));
    std::cout << j.dump() << "\n";
    return;
  }
  std::cout << "test accuracy " << 100.0 * outcome.test_accuracy << "% (loss "
            << outcome.test_loss << ")";
  if (outcome.valid_accuracy) std::cout << ", valid " << 100.0 * *outcome.valid_accuracy << "%";
  std::cout << ", " << format_duration(outcome.train_seconds) << " of training\n"
            << "checkpoint: " << outcome.checkpoint.string() << "\n";
  if (outcome.run_id)
    std::cout << "run " << *outcome.run_id << " in " << a.run.db << "\n";
}

}  // namespace

void register_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "train",
      "Retrain a genotype or baseline from scratch.\n"
      "CONFIG.yaml holds `search_space` + `genotype` (or `baseline: NAME`), `data` and `trainer`\n"
      "sections (see configs/train/), or is an aw_nas final config (final_model_cfg with\n"
      "genotypes, final_trainer_cfg), read through its translation. Every epoch is\n"
      "checkpointed and recorded in the results database; a killed run continues with\n"
      "--resume and ends bit-identical to an uninterrupted one (same config, seed, threads).");
  auto a = std::make_shared<TrainArgs>();
  cmd->add_option("config", a->config, "training YAML file")->required()->check(CLI::ExistingFile);
  auto* g = cmd->add_option("--genotype", a->genotype,
                            "genotype string placed in the config's search_space (or the default "
                            "small-image space when the config has none)");
  auto* gf = cmd->add_option("--genotype-file", a->genotype_file,
                             "file with the genotype: `bitnas derive` output (genotypes list), a "
                             "YAML `genotype:` key, or a bare string")
                 ->check(CLI::ExistingFile);
  auto* b = cmd->add_option("--baseline", a->baseline,
                            "train a built-in baseline (xnor_resnet18, resnete18, their _blocks "
                            "and _imagenet forms) with the config's data and trainer sections");
  g->excludes(gf)->excludes(b);
  gf->excludes(b);
  cmd->add_option("--rank", a->rank, "with --genotype-file: which ranked genotype (default 1)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--epochs", a->epochs, "override trainer.epochs")
      ->check(CLI::Range(1, kMaxEpochs));
  cmd->add_option("--seed", a->seed, "override trainer.seed")->check(CLI::NonNegativeNumber);
  cmd->add_option("--train-limit", a->train_limit,
                  "override data.train_limit (training images kept, a seeded random subset)")
      ->check(CLI::PositiveNumber);
  add_run_options(cmd, a->run, "trainer.threads");
  cmd->add_option("--name", a->name,
                  "the run's name in the database (default: config stem and model), e.g. to "
                  "group runs in `bitnas query retrained --name`");
  cmd->add_option("--run-dir", a->run_dir,
                  "directory of the run's checkpoint (default: runs/train-<config hash>, so the "
                  "same command with --resume finds it)");
  cmd->add_flag("--resume", a->resume, "continue the run whose checkpoint is in the run dir");
  cmd->add_flag("--quiet,-q", a->quiet, "no progress output");
  cmd->add_flag("--json", a->json, "print the outcome as one JSON object");
  cmd->callback([a] { run_train(*a); });
}

}  // namespace bitnas::cli

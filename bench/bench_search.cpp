#include "bench/bench_search.hpp"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/timing.hpp"
#include "evaluators/run_environment.hpp"
#include "nas/search/search_run.hpp"

namespace bitnas::cli {

namespace {

struct BenchSearchArgs {
  std::string config = "configs/quickstart.yaml";
  int train_limit = 3000;
  int threads = 0;
  bool json = false;
};

class QuietSearch : public SearchProgress {
 public:
  void message(const std::string&) override {}
  void step_done(const SearchProgressInfo&) override {}
  void epoch_done(const SearchEpochMetrics&, int) override {}
};

void run(const BenchSearchArgs& a) {
  SearchRequest request;
  request.config = load_search_config(a.config);
  SearchSchedule& s = request.config.schedule;
  // Epoch 0: supernet steps only; epoch 1: controller steps only, on the frozen supernet.
  s.epochs = 1;
  s.warmup_epochs = 1;
  s.controller_epochs = 1;
  if (s.controller_steps_per_epoch == 0) s.controller_steps_per_epoch = 5;
  s.threads = a.threads;
  s.time_budget_s = 0.0;
  request.config.data.train_limit = a.train_limit;
  request.name = "bench";
  request.run_dir = std::filesystem::temp_directory_path() /
                    ("bitnas_bench_search_" + std::to_string(::getpid()));
  std::filesystem::remove_all(request.run_dir);
  QuietSearch quiet;
  const SearchOutcome out = run_search(request, quiet);
  std::filesystem::remove_all(request.run_dir);
  const SearchEpochMetrics& train = out.epochs.at(0);
  const SearchEpochMetrics& evaluate = out.epochs.at(1);
  const double steps_per_s = static_cast<double>(out.supernet_steps) / *train.wall_s;
  const double evaluations_per_s = *evaluate.samples_per_s;
  const nlohmann::json j{{"config", a.config},
                         {"train_limit", a.train_limit},
                         {"threads", active_thread_count()},
                         {"batch_size", s.batch_size},
                         {"supernet_steps", out.supernet_steps},
                         {"supernet_steps_per_s", steps_per_s},
                         {"supernet_images_per_s", steps_per_s * s.batch_size},
                         {"evaluations", out.samples},
                         {"evaluations_per_s", evaluations_per_s},
                         {"peak_rss_mb", peak_rss_mb()}};
  if (a.json) {
    std::cout << j.dump() << "\n";
    return;
  }
  std::cout << "search benchmark on " << a.config << " (train_limit " << a.train_limit << ", "
            << active_thread_count() << " threads)\n"
            << "  supernet   " << steps_per_s << " steps/s (" << steps_per_s * s.batch_size
            << " images/s, batch " << s.batch_size << ")\n"
            << "  evaluation " << evaluations_per_s << " genotypes/s (" << out.samples
            << " genotypes, BN " << to_string(request.config.evaluator.bn_mode) << ")\n"
            << "  peak RSS   " << peak_rss_mb() << " MB\n";
}

}  // namespace

void register_bench_search(CLI::App& bench) {
  auto* cmd = bench.add_subcommand(
      "search",
      "Speed of a search on a fixed config: one supernet epoch (steps/s) and one controller-\n"
      "only epoch on the frozen supernet (genotype evaluations/s), no database; and peak RSS.");
  auto a = std::make_shared<BenchSearchArgs>();
  cmd->add_option("--config", a->config, "search YAML")->check(CLI::ExistingFile)->capture_default_str();
  cmd->add_option("--train-limit", a->train_limit, "training images the search uses")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "worker threads (0: every core)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "one JSON object");
  cmd->callback([a] { run(*a); });
}

}  // namespace bitnas::cli

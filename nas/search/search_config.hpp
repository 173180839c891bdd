#pragma once
// A search YAML, parsed once: the aw_nas-style sections `search_space`, `controller`,
// `evaluator`, `objective`, `weights_manager` (the supernet's optimizer), `data`, and
// `search` (the schedule). A search YAML may also hold `trainer` (and no `genotype`): the
// retraining settings `bitnas train CONFIG --genotype-file` uses for the derived genotypes.
#include <cstdint>
#include <string>

#include "controllers/controller_config.hpp"
#include "evaluators/reward_config.hpp"
#include "evaluators/train_config.hpp"
#include "search_spaces/genotype_space.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas {

// How supernet training picks each step's path: uniformly (SPOS), strictly fairly (FairNAS:
// every op of an edge trained equally often), or from the controller (ENAS; rich get richer).
enum class PathSampling { uniform, fair, controller };
const char* to_string(PathSampling sampling);

// The schedule has three phases, all counted in epochs and checkpointed alike:
//   warm-up    epochs [0, warmup_epochs): supernet training only, no controller learning;
//   interleaved epochs [warmup_epochs, epochs): supernet steps with controller steps among
//              them (controller_steps_per_epoch may be 0);
//   frozen     epochs [epochs, epochs + controller_epochs): the supernet no longer trains and
//              the controller alone runs controller_steps_per_epoch steps (SPOS's evolution).
struct SearchSchedule {
  bool operator==(const SearchSchedule&) const = default;
  int epochs = 10;                      // supernet epochs (warm-up included)
  int warmup_epochs = 0;
  int controller_epochs = 0;            // controller-only epochs on the frozen supernet
  int supernet_steps_per_epoch = 0;    // 0: one pass over the supernet portion
  int controller_steps_per_epoch = 10;  // spread evenly among the supernet steps
  int samples_per_step = 4;             // genotypes evaluated per controller step
  int batch_size = 64;                  // supernet training batch
  PathSampling sampling = PathSampling::uniform;
  // Path dropout: the probability that a parameter-free edge of a training path contributes
  // zeros for that step (keeps skip/pool edges from winning by default).
  double path_dropout = 0.0;
  SamplingRules rules{.sample_none = false, .max_parameter_free_per_cell = -1};
  double time_budget_s = 0.0;           // > 0: stop after the epoch that crosses it
  int total_epochs() const { return epochs + controller_epochs; }
  double controller_fraction = 0.1;     // of the training set: reward batches
  double derive_fraction = 0.1;         // of the training set: derive-time evaluation
  std::uint64_t seed = 1;
  int threads = 0;
};

struct WeightsManagerConfig {
  bool operator==(const WeightsManagerConfig&) const = default;
  OptimizerConfig optimizer;
  LrScheduleConfig schedule;
  double grad_clip = 5.0;  // DARTS clips supernet gradients at 5
  // As trainer.backward_precision: the binary convs' backward GEMMs in the supernet.
  BackwardPrecision backward_precision = BackwardPrecision::float32;
};

struct SearchConfig {
  std::string source;
  std::string text;  // the YAML as given
  SearchSpaceConfig space;
  DataConfig data;
  SearchSchedule schedule;
  ControllerConfig controller;
  EvaluatorConfig evaluator;
  ObjectiveConfig objective;
  WeightsManagerConfig weights_manager;
};

// Errors name the file, line and key.
SearchConfig parse_search_config(const std::string& yaml_text, const std::string& source);
SearchConfig load_search_config(const std::string& path);

// Identifies everything that changes a search's numbers (a resumed search must match).
std::string search_config_hash(const SearchConfig& config);

}  // namespace bitnas

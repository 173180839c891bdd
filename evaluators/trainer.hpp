#pragma once
// Retraining a genotype (or baseline) from scratch: the epoch loop with its optimizer, learning
// rate schedule and gradient clipping; validation and test accuracy per epoch; a checkpoint
// after every epoch (model, optimizer, epoch) written atomically; every epoch and the final
// results recorded in the results database. A run killed at any point continues with
// `resume` from its last checkpoint and ends bit-identical to an uninterrupted run with the
// same config, seed and thread count.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "evaluators/run_lifecycle.hpp"
#include "evaluators/train_config.hpp"
#include "evaluators/training_progress.hpp"
#include "search_spaces/model_spec.hpp"
#include "storage/result_records.hpp"

namespace bitnas {

struct TrainRequest {
  ModelSpec model;
  DataConfig data;
  TrainerConfig trainer;
  // What was run, kept in the database and the checkpoint so `bitnas eval` can rebuild it:
  // the YAML text, where it came from, and the command-line overrides (TrainOverrides).
  std::string config_text;
  std::string config_source;
  std::string overrides_text;
  std::string name;         // run name in the database
  std::filesystem::path run_dir;               // checkpoint.bnck lives here
  std::optional<std::filesystem::path> db_path;  // none: no database
  bool resume = false;
};

struct TrainOutcome {
  std::vector<EpochMetrics> epochs;  // every epoch of the run, resumed ones included
  double test_accuracy = 0.0;
  double test_loss = 0.0;
  std::optional<double> valid_accuracy;
  std::optional<std::int64_t> run_id;
  std::filesystem::path checkpoint;
  bool was_finished = false;  // resume found the run already complete: nothing was trained
  double train_seconds = 0.0;
};

// Identifies a run's configuration (architecture, data, trainer settings, seed): a resumed
// run must match its checkpoint's.
std::string training_config_hash(const TrainRequest& request);

TrainOutcome train(const TrainRequest& request, TrainingProgress& progress);

}  // namespace bitnas

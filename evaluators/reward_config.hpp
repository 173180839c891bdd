#pragma once
// The `evaluator` and `objective` sections of a search YAML: how a sampled genotype's reward
// is measured with the supernet's shared weights, and what it is traded against.
#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

// BN during reward evaluation: batch statistics of the reward batch (aw_nas), or running
// statistics recalibrated on a few training batches first (SPOS).
enum class BnMode { train, recalibrate };
const char* to_string(BnMode mode);

struct EvaluatorConfig {
  BnMode bn_mode = BnMode::train;
  int recalibration_batches = 4;  // recalibrate: training batches to re-estimate BN statistics
  int batch_size = 128;           // images in one reward batch
};

// accuracy: reward = top-1. ops_budget: genotypes above max_ops (OPs = FLOPs + BOPs/64 per
// image) are rejected before evaluation (reward 0) or penalised: reward = top-1 -
// penalty * (ops / max_ops - 1) above the budget (aw_nas's FLOPs-regularised reward).
enum class ObjectiveKind { accuracy, ops_budget };
enum class BudgetMode { reject, penalty };

struct ObjectiveConfig {
  ObjectiveKind kind = ObjectiveKind::accuracy;
  double max_ops = 0.0;
  BudgetMode budget_mode = BudgetMode::reject;
  double penalty = 1.0;
};

EvaluatorConfig parse_evaluator_config(const ConfigSection& section);
ObjectiveConfig parse_objective_config(const ConfigSection& section);

}  // namespace bitnas

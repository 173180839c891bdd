#pragma once
// The `evaluator` and `objective` sections of a search YAML: how a sampled genotype's reward
// is measured with the supernet's shared weights, and what it is traded against.
#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

// BN during reward evaluation: running statistics recalibrated for the genotype's path on a
// fixed set of training images first (SPOS; the default, because a path's BN statistics in a
// supernet belong to no single path), or batch statistics of the reward batch (aw_nas).
enum class BnMode { train, recalibrate };
const char* to_string(BnMode mode);

struct EvaluatorConfig {
  bool operator==(const EvaluatorConfig&) const = default;
  BnMode bn_mode = BnMode::recalibrate;
  int recalibration_images = 2048;  // recalibrate: training images that re-estimate BN statistics
  int batch_size = 256;             // images in one reward batch
  // Every reward is measured on the same reward_batches full batches of the controller
  // portion, so rewards compare across genotypes and steps.
  int reward_batches = 2;
  // Re-measure the rewards a controller keeps (evolution's population) once per epoch, after
  // the supernet changed; off, tournaments compare rewards of supernets of different ages.
  bool refresh_rewards = true;
};

// accuracy: reward = top-1. ops_budget: genotypes outside [min_ops, max_ops] (OPs = FLOPs +
// BOPs/64 per image) are rejected before evaluation (reward 0) or penalised: reward = top-1 -
// penalty * (ops / max_ops - 1) above the ceiling, - penalty * (1 - ops / min_ops) below the
// floor (aw_nas's FLOPs-regularised reward, both ways). The floor keeps a search from
// collapsing onto cheap parameter-free cells.
enum class ObjectiveKind { accuracy, ops_budget };
enum class BudgetMode { reject, penalty };

struct ObjectiveConfig {
  bool operator==(const ObjectiveConfig&) const = default;
  ObjectiveKind kind = ObjectiveKind::accuracy;
  double min_ops = 0.0;  // 0: no floor
  double max_ops = 0.0;  // 0: no ceiling
  BudgetMode budget_mode = BudgetMode::reject;
  double penalty = 1.0;
};

// An ops_budget objective in reject mode is a hard budget: genotypes outside it get no
// measurement, and controllers that draw from the space (and `bitnas sample`) draw within it.
bool is_hard_budget(const ObjectiveConfig& objective);
// False when a hard budget refuses `ops`; always true otherwise.
bool within_budget(const ObjectiveConfig& objective, double ops);
// "objective OPs budget [min_ops, max_ops]" for messages.
std::string budget_description(const ObjectiveConfig& objective);

EvaluatorConfig parse_evaluator_config(const ConfigSection& section);
ObjectiveConfig parse_objective_config(const ConfigSection& section);

}  // namespace bitnas

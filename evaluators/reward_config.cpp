#include "evaluators/reward_config.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "evaluators/train_config.hpp"

namespace bitnas {

const char* to_string(BnMode mode) { return mode == BnMode::train ? "train" : "recalibrate"; }

bool is_hard_budget(const ObjectiveConfig& objective) {
  return objective.kind == ObjectiveKind::ops_budget && objective.budget_mode == BudgetMode::reject;
}

bool within_budget(const ObjectiveConfig& objective, double ops) {
  if (!is_hard_budget(objective)) return true;
  return !(objective.max_ops > 0.0 && ops > objective.max_ops) &&
         !(objective.min_ops > 0.0 && ops < objective.min_ops);
}

std::string budget_description(const ObjectiveConfig& objective) {
  const auto bound = [](double ops) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(0) << ops;
    return out.str();
  };
  return "the objective's OPs budget [" + (objective.min_ops > 0.0 ? bound(objective.min_ops) : "0") +
         ", " + (objective.max_ops > 0.0 ? bound(objective.max_ops) : "unbounded") + "]";
}

EvaluatorConfig parse_evaluator_config(const ConfigSection& s) {
  EvaluatorConfig c;
  c.bn_mode = s.get_choice("bn_mode", {"train", "recalibrate"}, "recalibrate") == "train"
                  ? BnMode::train
                  : BnMode::recalibrate;
  c.recalibration_images = s.get_int_in("recalibration_images", c.recalibration_images, 1, 1'000'000);
  c.batch_size = s.get_int_in("batch_size", c.batch_size, 1, kMaxBatchSize);
  c.reward_batches = s.get_int_in("reward_batches", c.reward_batches, 1, 10'000);
  c.refresh_rewards = s.get_bool("refresh_rewards", c.refresh_rewards);
  s.reject_unknown_keys();
  return c;
}

ObjectiveConfig parse_objective_config(const ConfigSection& s) {
  ObjectiveConfig c;
  c.kind = s.get_choice("type", {"accuracy", "ops_budget"}, "accuracy") == "accuracy"
               ? ObjectiveKind::accuracy
               : ObjectiveKind::ops_budget;
  c.min_ops = s.get_double_in("min_ops", 0.0, 0.0, 1e18);
  c.max_ops = s.get_double_in("max_ops", 0.0, 0.0, 1e18);
  if (c.kind == ObjectiveKind::ops_budget && c.min_ops == 0.0 && c.max_ops == 0.0)
    s.fail("max_ops", "an ops_budget objective needs max_ops or min_ops > 0 (OPs per image)");
  if (c.max_ops > 0.0 && c.min_ops > c.max_ops)
    s.fail("min_ops", "is above max_ops");
  if (c.kind == ObjectiveKind::accuracy && (c.min_ops > 0.0 || c.max_ops > 0.0))
    s.fail(c.max_ops > 0.0 ? "max_ops" : "min_ops", "needs type: ops_budget");
  c.budget_mode = s.get_choice("budget_mode", {"reject", "penalty"}, "reject") == "reject"
                      ? BudgetMode::reject
                      : BudgetMode::penalty;
  c.penalty = s.get_double_in("penalty", 1.0, 0.0, 1e9);
  s.reject_unknown_keys();
  return c;
}

}  // namespace bitnas

#include "evaluators/reward_config.hpp"

#include <cmath>

namespace bitnas {

const char* to_string(BnMode mode) { return mode == BnMode::train ? "train" : "recalibrate"; }

EvaluatorConfig parse_evaluator_config(const ConfigSection& s) {
  EvaluatorConfig c;
  c.bn_mode = s.get_choice("bn_mode", {"train", "recalibrate"}, "recalibrate") == "train"
                  ? BnMode::train
                  : BnMode::recalibrate;
  c.recalibration_images = s.get_int("recalibration_images", c.recalibration_images);
  if (c.recalibration_images < 1) s.fail("recalibration_images", "must be >= 1");
  c.batch_size = s.get_int("batch_size", c.batch_size);
  if (c.batch_size < 1) s.fail("batch_size", "must be >= 1");
  c.reward_batches = s.get_int("reward_batches", c.reward_batches);
  if (c.reward_batches < 1) s.fail("reward_batches", "must be >= 1");
  c.refresh_rewards = s.get_bool("refresh_rewards", c.refresh_rewards);
  s.reject_unknown_keys();
  return c;
}

ObjectiveConfig parse_objective_config(const ConfigSection& s) {
  ObjectiveConfig c;
  c.kind = s.get_choice("type", {"accuracy", "ops_budget"}, "accuracy") == "accuracy"
               ? ObjectiveKind::accuracy
               : ObjectiveKind::ops_budget;
  c.min_ops = s.get_double("min_ops", 0.0);
  c.max_ops = s.get_double("max_ops", 0.0);
  for (const char* key : {"min_ops", "max_ops"}) {
    const double v = std::string(key) == "min_ops" ? c.min_ops : c.max_ops;
    if (!(std::isfinite(v) && v >= 0.0)) s.fail(key, "must be a finite number >= 0 (0: none)");
  }
  if (c.kind == ObjectiveKind::ops_budget && c.min_ops == 0.0 && c.max_ops == 0.0)
    s.fail("max_ops", "an ops_budget objective needs max_ops or min_ops > 0 (OPs per image)");
  if (c.max_ops > 0.0 && c.min_ops > c.max_ops)
    s.fail("min_ops", "is above max_ops");
  if (c.kind == ObjectiveKind::accuracy && (c.min_ops > 0.0 || c.max_ops > 0.0))
    s.fail(c.max_ops > 0.0 ? "max_ops" : "min_ops", "needs type: ops_budget");
  c.budget_mode = s.get_choice("budget_mode", {"reject", "penalty"}, "reject") == "reject"
                      ? BudgetMode::reject
                      : BudgetMode::penalty;
  c.penalty = s.get_double("penalty", 1.0);
  if (!(c.penalty >= 0.0) || !std::isfinite(c.penalty)) s.fail("penalty", "must be >= 0");
  s.reject_unknown_keys();
  return c;
}

}  // namespace bitnas

#include "evaluators/reward_config.hpp"

#include "evaluators/train_config.hpp"

namespace bitnas {

const char* to_string(BnMode mode) { return mode == BnMode::train ? "train" : "recalibrate"; }

EvaluatorConfig parse_evaluator_config(const ConfigSection& s) {
  EvaluatorConfig c;
  c.bn_mode = s.get_choice("bn_mode", {"train", "recalibrate"}, "train") == "train"
                  ? BnMode::train
                  : BnMode::recalibrate;
  c.recalibration_batches = s.get_int_in("recalibration_batches", 4, 1, 10'000);
  c.batch_size = s.get_int_in("batch_size", 128, 1, kMaxBatchSize);
  s.reject_unknown_keys();
  return c;
}

ObjectiveConfig parse_objective_config(const ConfigSection& s) {
  ObjectiveConfig c;
  c.kind = s.get_choice("type", {"accuracy", "ops_budget"}, "accuracy") == "accuracy"
               ? ObjectiveKind::accuracy
               : ObjectiveKind::ops_budget;
  c.max_ops = s.get_double_in("max_ops", 0.0, 0.0, 1e18);
  if (c.kind == ObjectiveKind::ops_budget && !(c.max_ops > 0.0))
    s.fail("max_ops", "an ops_budget objective needs max_ops > 0 (OPs per image)");
  c.budget_mode = s.get_choice("budget_mode", {"reject", "penalty"}, "reject") == "reject"
                      ? BudgetMode::reject
                      : BudgetMode::penalty;
  c.penalty = s.get_double_in("penalty", 1.0, 0.0, 1e9);
  s.reject_unknown_keys();
  return c;
}

}  // namespace bitnas

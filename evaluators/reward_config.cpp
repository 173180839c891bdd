#include "evaluators/reward_config.hpp"

namespace bitnas {

const char* to_string(BnMode mode) { return mode == BnMode::train ? "train" : "recalibrate"; }

EvaluatorConfig parse_evaluator_config(const ConfigSection& s) {
  EvaluatorConfig c;
  c.bn_mode = s.get_choice("bn_mode", {"train", "recalibrate"}, "train") == "train"
                  ? BnMode::train
                  : BnMode::recalibrate;
  c.recalibration_batches = s.get_int("recalibration_batches", 4);
  if (c.recalibration_batches < 1) s.fail("recalibration_batches", "must be >= 1");
  c.batch_size = s.get_int("batch_size", 128);
  if (c.batch_size < 1) s.fail("batch_size", "must be >= 1");
  s.reject_unknown_keys();
  return c;
}

ObjectiveConfig parse_objective_config(const ConfigSection& s) {
  ObjectiveConfig c;
  c.kind = s.get_choice("type", {"accuracy", "ops_budget"}, "accuracy") == "accuracy"
               ? ObjectiveKind::accuracy
               : ObjectiveKind::ops_budget;
  c.max_ops = s.get_double("max_ops", 0.0);
  if (c.kind == ObjectiveKind::ops_budget && !(c.max_ops > 0.0))
    s.fail("max_ops", "an ops_budget objective needs max_ops > 0 (OPs per image)");
  c.budget_mode = s.get_choice("budget_mode", {"reject", "penalty"}, "reject") == "reject"
                      ? BudgetMode::reject
                      : BudgetMode::penalty;
  c.penalty = s.get_double("penalty", 1.0);
  if (!(c.penalty >= 0.0)) s.fail("penalty", "must be >= 0");
  s.reject_unknown_keys();
  return c;
}

}  // namespace bitnas

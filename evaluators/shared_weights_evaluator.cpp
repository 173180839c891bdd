#include "evaluators/shared_weights_evaluator.hpp"

#include "ops/layers/batch_norm.hpp"
#include "ops/layers/cross_entropy.hpp"
#include "search_spaces/architecture_id.hpp"
#include "evaluators/genotype_record.hpp"

namespace bitnas {

SharedWeightsEvaluator::SharedWeightsEvaluator(Supernet& supernet, const SearchSpaceConfig& space,
                                               InputSpec input, EvaluatorConfig config,
                                               ObjectiveConfig objective,
                                               BatchLoader* recalibration)
    : supernet_(supernet),
      space_(space),
      input_(input),
      config_(config),
      objective_(objective),
      recalibration_(recalibration) {
  if (config_.bn_mode == BnMode::recalibrate && !recalibration_)
    throw std::invalid_argument("BN recalibration needs training batches");
}

const GenotypeRecord& SharedWeightsEvaluator::record_of(const Genotype& genotype) {
  const std::string hash = architecture_id(space_, genotype).hash;
  auto it = records_.find(hash);
  if (it == records_.end())
    it = records_.emplace(hash, measured_genotype_record(space_, genotype, input_)).first;
  return it->second;
}

Reward SharedWeightsEvaluator::score(double accuracy, double loss, double ops) const {
  Reward r;
  r.accuracy = accuracy;
  r.loss = loss;
  r.ops = ops;
  r.reward = accuracy;
  if (objective_.kind == ObjectiveKind::ops_budget && objective_.budget_mode == BudgetMode::penalty &&
      ops > objective_.max_ops)
    r.reward = accuracy - objective_.penalty * (ops / objective_.max_ops - 1.0);
  return r;
}

void SharedWeightsEvaluator::prepare_path(const Genotype& genotype) {
  supernet_.set_genotype(genotype);
  if (config_.bn_mode != BnMode::recalibrate) return;
  // SPOS: the path's BN statistics from scratch, averaged over a few training batches.
  std::vector<BatchNorm*> norms;
  for (auto& [name, op] : supernet_.active_ops())
    for (BatchNorm* bn : find_modules<BatchNorm>(*op)) norms.push_back(bn);
  for (BatchNorm* bn : norms) bn->reset_running_stats(true);
  Batch batch;
  for (int b = 0; b < config_.recalibration_batches; ++b) {
    if (!recalibration_->next(batch)) {
      recalibration_->start_epoch(++recalibration_epoch_);
      if (!recalibration_->next(batch)) break;
    }
    supernet_.forward(batch.images, Mode::train_no_grad);
  }
  for (BatchNorm* bn : norms) bn->use_momentum();
}

Reward SharedWeightsEvaluator::evaluate(const Genotype& genotype, const Batch& batch) {
  const std::string hash = architecture_id(space_, genotype).hash;
  if (auto it = rewards_.find(hash); it != rewards_.end()) {
    Reward cached = it->second;
    cached.cached = true;
    return cached;
  }
  const double ops = ops_of(genotype);
  Reward r;
  if (objective_.kind == ObjectiveKind::ops_budget && objective_.budget_mode == BudgetMode::reject &&
      ops > objective_.max_ops) {
    r.ops = ops;
    r.rejected = true;
  } else {
    prepare_path(genotype);
    const Mode mode = config_.bn_mode == BnMode::train ? Mode::train_no_grad : Mode::eval;
    const Tensor logits = supernet_.forward(batch.images, mode);
    const CrossEntropyStats s = softmax_cross_entropy(logits, batch.labels);
    r = score(s.accuracy, s.loss, ops);
    ++evaluations_;
  }
  rewards_[hash] = r;
  return r;
}

Reward SharedWeightsEvaluator::evaluate_all(const Genotype& genotype, BatchLoader& loader) {
  const double ops = ops_of(genotype);
  if (objective_.kind == ObjectiveKind::ops_budget && objective_.budget_mode == BudgetMode::reject &&
      ops > objective_.max_ops) {
    Reward r;
    r.ops = ops;
    r.rejected = true;
    return r;
  }
  prepare_path(genotype);
  const Mode mode = config_.bn_mode == BnMode::train ? Mode::train_no_grad : Mode::eval;
  double loss = 0.0, correct = 0.0, images = 0.0;
  loader.start_epoch(0);
  Batch batch;
  while (loader.next(batch)) {
    const Tensor logits = supernet_.forward(batch.images, mode);
    const CrossEntropyStats s = softmax_cross_entropy(logits, batch.labels);
    const auto n = static_cast<double>(batch.labels.size());
    loss += s.loss * n;
    correct += s.accuracy * n;
    images += n;
  }
  ++evaluations_;
  return score(images > 0 ? correct / images : 0.0, images > 0 ? loss / images : 0.0, ops);
}

}  // namespace bitnas

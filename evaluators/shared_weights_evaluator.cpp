#include "evaluators/shared_weights_evaluator.hpp"

#include "evaluators/genotype_record.hpp"
#include "ops/layers/batch_norm.hpp"
#include "ops/layers/cross_entropy.hpp"
#include "search_spaces/architecture_id.hpp"

namespace bitnas {

SharedWeightsEvaluator::SharedWeightsEvaluator(Supernet& supernet, const SearchSpaceConfig& space,
                                               InputSpec input, EvaluatorConfig config,
                                               ObjectiveConfig objective, SamplingRules rules,
                                               std::vector<Batch> reward_batches,
                                               std::vector<Batch> recalibration_batches)
    : supernet_(supernet),
      space_(space),
      input_(input),
      config_(config),
      objective_(objective),
      rules_space_(space, rules),
      reward_batches_(std::move(reward_batches)),
      recalibration_batches_(std::move(recalibration_batches)) {
  if (reward_batches_.empty())
    throw std::invalid_argument("the shared-weights evaluator has no reward batches");
  if (config_.bn_mode == BnMode::recalibrate && recalibration_batches_.empty())
    throw std::invalid_argument("BN recalibration needs training images");
}

int SharedWeightsEvaluator::reward_images() const {
  int n = 0;
  for (const Batch& b : reward_batches_) n += static_cast<int>(b.labels.size());
  return n;
}

const GenotypeRecord& SharedWeightsEvaluator::record_of(const Genotype& genotype) {
  const std::string hash = architecture_id(space_, genotype).hash;
  auto it = records_.find(hash);
  if (it == records_.end())
    it = records_.emplace(hash, measured_genotype_record(space_, genotype, input_)).first;
  return it->second;
}

void SharedWeightsEvaluator::set_supernet_version(std::int64_t version) {
  if (version == version_) return;
  version_ = version;
  rewards_.clear();
}

Reward SharedWeightsEvaluator::score(double accuracy, double loss, double ops) const {
  Reward r;
  r.accuracy = accuracy;
  r.loss = loss;
  r.ops = ops;
  r.reward = accuracy;
  if (objective_.kind != ObjectiveKind::ops_budget || objective_.budget_mode != BudgetMode::penalty)
    return r;
  if (objective_.max_ops > 0.0 && ops > objective_.max_ops)
    r.reward -= objective_.penalty * (ops / objective_.max_ops - 1.0);
  if (objective_.min_ops > 0.0 && ops < objective_.min_ops)
    r.reward -= objective_.penalty * (1.0 - ops / objective_.min_ops);
  return r;
}

std::optional<Reward> SharedWeightsEvaluator::rejection(const Genotype& genotype) {
  const double ops = ops_of(genotype);
  if (within_budget(objective_, ops) && rules_space_.allowed(genotype)) return std::nullopt;
  Reward r;
  r.ops = ops;
  r.rejected = true;
  return r;
}

void SharedWeightsEvaluator::prepare_path(const Genotype& genotype) {
  supernet_.set_genotype(genotype);
  if (config_.bn_mode != BnMode::recalibrate) return;
  // SPOS: the path's BN statistics from scratch, averaged with equal weights over the same
  // training images for every genotype.
  std::vector<BatchNorm*> norms;
  for (auto& [name, op] : supernet_.active_ops())
    for (BatchNorm* bn : find_modules<BatchNorm>(*op)) norms.push_back(bn);
  for (BatchNorm* bn : norms) bn->reset_running_stats(true);
  for (const Batch& batch : recalibration_batches_)
    supernet_.forward(batch.images, Mode::train_no_grad);
  for (BatchNorm* bn : norms) bn->use_momentum();
}

Reward SharedWeightsEvaluator::evaluate(const Genotype& genotype) {
  const auto key = std::make_pair(architecture_id(space_, genotype).hash, version_);
  if (auto it = rewards_.find(key); it != rewards_.end()) {
    Reward cached = it->second;
    cached.cached = true;
    return cached;
  }
  Reward r;
  if (auto rejected = rejection(genotype)) {
    r = *rejected;
  } else {
    std::size_t next = 0;
    r = measure(genotype, [&]() -> const Batch* {
      return next < reward_batches_.size() ? &reward_batches_[next++] : nullptr;
    });
  }
  rewards_[key] = r;
  return r;
}

Reward SharedWeightsEvaluator::evaluate_all(const Genotype& genotype, BatchLoader& loader) {
  // A genotype the sampling rules refuse may have no path in the supernet: not measured.
  if (!rules_space_.allowed(genotype)) return *rejection(genotype);
  // Derive measures a genotype outside the OPs budget too, and only zeroes its reward: a rank
  // correlation over a uniform sample of the space needs every genotype's shared-weights top-1.
  loader.start_epoch(0);
  Batch batch;
  Reward r = measure(genotype, [&]() -> const Batch* { return loader.next(batch) ? &batch : nullptr; });
  if (!within_budget(objective_, r.ops)) {
    r.reward = 0.0;  // as evaluate's rejection
    r.rejected = true;
  }
  return r;
}

Reward SharedWeightsEvaluator::measure(const Genotype& genotype,
                                       const std::function<const Batch*()>& next_batch) {
  prepare_path(genotype);
  const Mode mode = config_.bn_mode == BnMode::train ? Mode::train_no_grad : Mode::eval;
  double loss = 0.0, correct = 0.0, images = 0.0;
  while (const Batch* batch = next_batch()) {
    const Tensor logits = supernet_.forward(batch->images, mode);
    const CrossEntropyStats s = softmax_cross_entropy(logits, batch->labels);
    const auto n = static_cast<double>(batch->labels.size());
    loss += s.loss * n;
    correct += s.accuracy * n;
    images += n;
  }
  ++evaluations_;
  return score(images > 0 ? correct / images : 0.0, images > 0 ? loss / images : 0.0,
               ops_of(genotype));
}

}  // namespace bitnas

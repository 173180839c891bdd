#pragma once
// Reward of a genotype with the supernet's shared weights (aw_nas's "mepa"/shared-weights
// evaluator): top-1 and loss of its path on a reward batch, with BN in train mode (batch
// statistics, aw_nas) or after recalibrating BN statistics on a few training batches (SPOS).
// The objective may trade accuracy against OPs. Results are cached by architecture hash
// until the supernet's weights change (invalidate() after every supernet step).
#include <cstdint>
#include <map>
#include <string>

#include "data/batch_loader.hpp"
#include "evaluators/reward_config.hpp"
#include "search_spaces/network.hpp"
#include "search_spaces/supernet.hpp"
#include "storage/result_records.hpp"

namespace bitnas {

struct Reward {
  double reward = 0.0;    // what the controller learns from
  double accuracy = 0.0;  // top-1 on the reward images
  double loss = 0.0;
  double ops = 0.0;       // OPs per image of the genotype's network
  bool rejected = false;  // over the OPs budget, not evaluated
  bool cached = false;
};

class SharedWeightsEvaluator {
 public:
  // `recalibration` serves training batches for BnMode::recalibrate (may be null otherwise).
  SharedWeightsEvaluator(Supernet& supernet, const SearchSpaceConfig& space, InputSpec input,
                         EvaluatorConfig config, ObjectiveConfig objective,
                         BatchLoader* recalibration);

  // Reward of `genotype` on `batch` (its images stand for the whole reward portion).
  Reward evaluate(const Genotype& genotype, const Batch& batch);
  // Reward over every batch of `loader` from its start (derive-time evaluation).
  Reward evaluate_all(const Genotype& genotype, BatchLoader& loader);
  // The supernet changed: forget cached rewards (OPs stay cached; they depend on the genotype
  // only).
  void invalidate() { rewards_.clear(); }

  double ops_of(const Genotype& genotype) { return *record_of(genotype).ops; }
  // The genotype's database row with its costs (counted once per architecture).
  const GenotypeRecord& record_of(const Genotype& genotype);
  std::int64_t evaluations() const { return evaluations_; }

 private:
  void prepare_path(const Genotype& genotype);
  Reward score(double accuracy, double loss, double ops) const;

  Supernet& supernet_;
  const SearchSpaceConfig& space_;
  InputSpec input_;
  EvaluatorConfig config_;
  ObjectiveConfig objective_;
  BatchLoader* recalibration_;
  int recalibration_epoch_ = 0;
  std::map<std::string, Reward> rewards_;  // by architecture hash
  std::map<std::string, GenotypeRecord> records_;  // by architecture hash
  std::int64_t evaluations_ = 0;
};

}  // namespace bitnas

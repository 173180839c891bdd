#pragma once
// Reward of a genotype with the supernet's shared weights (aw_nas's shared-weights evaluator):
// top-1 and loss of its path on a fixed set of reward batches, with BN statistics recalibrated
// for the path on a fixed set of training images (SPOS; the default) or batch statistics
// (aw_nas's train-mode BN). Every genotype is measured on the same images, so rewards compare.
// The objective may trade accuracy against OPs; the sampling rules reject genotypes that
// break them (a cap on parameter-free edges). Rewards are cached by (architecture, supernet
// version): a reward measured on an older supernet is never served.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "data/batch_loader.hpp"
#include "evaluators/reward_config.hpp"
#include "search_spaces/genotype_space.hpp"
#include "search_spaces/network.hpp"
#include "search_spaces/supernet.hpp"
#include "storage/result_records.hpp"

namespace bitnas {

struct Reward {
  double reward = 0.0;    // what the controller learns from
  double accuracy = 0.0;  // top-1 on the reward images
  double loss = 0.0;
  double ops = 0.0;       // OPs per image of the genotype's network
  bool rejected = false;  // outside the OPs budget or the sampling rules: not evaluated
  bool cached = false;
};

class SharedWeightsEvaluator {
 public:
  // `reward_batches`: the images every reward is measured on. `recalibration_batches`: the
  // training images BN statistics are re-estimated on (BnMode::recalibrate; may be empty
  // otherwise). Throws std::invalid_argument when a needed set is empty.
  SharedWeightsEvaluator(Supernet& supernet, const SearchSpaceConfig& space, InputSpec input,
                         EvaluatorConfig config, ObjectiveConfig objective, SamplingRules rules,
                         std::vector<Batch> reward_batches,
                         std::vector<Batch> recalibration_batches);

  // Reward of `genotype` on the reward batches, at the current supernet version.
  Reward evaluate(const Genotype& genotype);
  // Reward over every batch of `loader` from its start (derive-time evaluation). Unlike
  // evaluate, a genotype outside the OPs budget is measured (its accuracy is set) and only its
  // reward is the rejection's.
  Reward evaluate_all(const Genotype& genotype, BatchLoader& loader);
  // The supernet's weights are now at `version` (e.g. its step count); cached rewards of other
  // versions are dropped.
  void set_supernet_version(std::int64_t version);

  double ops_of(const Genotype& genotype) { return *record_of(genotype).ops; }
  // The genotype's database row with its costs (counted once per architecture).
  const GenotypeRecord& record_of(const Genotype& genotype);
  std::int64_t evaluations() const { return evaluations_; }
  int reward_images() const;

 private:
  // Rejected (with its OPs) when the objective or the rules exclude it, else nothing.
  std::optional<Reward> rejection(const Genotype& genotype);
  void prepare_path(const Genotype& genotype);
  // Top-1 and loss of the genotype's path over the batches next_batch() serves (until null).
  Reward measure(const Genotype& genotype, const std::function<const Batch*()>& next_batch);
  Reward score(double accuracy, double loss, double ops) const;

  Supernet& supernet_;
  const SearchSpaceConfig& space_;
  InputSpec input_;
  EvaluatorConfig config_;
  ObjectiveConfig objective_;
  GenotypeSpace rules_space_;
  std::vector<Batch> reward_batches_;
  std::vector<Batch> recalibration_batches_;
  std::int64_t version_ = 0;
  std::map<std::pair<std::string, std::int64_t>, Reward> rewards_;  // (hash, version)
  std::map<std::string, GenotypeRecord> records_;                   // by architecture hash
  std::int64_t evaluations_ = 0;
};

}  // namespace bitnas

#pragma once
// REINFORCE over an LSTM policy (ENAS). step() moves the exponential-moving-average baseline
// first, b = decay * b + (1 - decay) * mean(rewards) (the first batch sets b to its mean, as
// aw_nas does, so early advantages are not all of one sign), then takes one Adam step on
//   loss = mean over the batch of [ -(R - b) * log p(decisions) - entropy_weight * entropy ],
// with the gradients of the current policy on the given genotypes (on-policy when step()
// follows sample()).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controllers/controller.hpp"
#include "controllers/evaluation_history.hpp"
#include "controllers/lstm_policy.hpp"
#include "ops/optim/adam.hpp"

namespace bitnas {

struct ReinforceSettings {
  bool operator==(const ReinforceSettings&) const = default;
  int hidden_size = 64;
  double lr = 3.5e-4;
  double beta1 = 0.9, beta2 = 0.999;  // Adam on the policy
  double ema_decay = 0.99;
  double entropy_weight = 1e-4;
  double tanh_constant = 1.1;  // 0: no tanh clipping
  double temperature = 5.0;
  double init_range = 0.1;
};

class ReinforceController : public Controller {
 public:
  ReinforceController(const SearchSpaceConfig& space, const ReinforceSettings& settings,
                      std::uint64_t seed);

  std::string type_name() const override { return "reinforce"; }
  std::vector<Genotype> sample(int n) override;
  void step(const std::vector<Genotype>& genotypes, const std::vector<double>& rewards) override;
  // The argmax decode of the policy, then the best evaluated genotypes.
  std::vector<Genotype> best(int n) override;

  ControllerState save() const override;
  void load(const ControllerState& state) override;

  // Absent before the first step().
  std::optional<double> baseline() const { return baseline_; }
  LstmPolicy& policy() { return policy_; }

 private:
  GenotypeSpace space_;
  ReinforceSettings settings_;
  Rng rng_;  // initial parameters, then sampling
  LstmPolicy policy_;
  Adam adam_;
  std::optional<double> baseline_;
  EvaluationHistory history_;
};

}  // namespace bitnas

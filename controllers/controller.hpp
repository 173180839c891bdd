#pragma once
// The controller contract (aw_nas): sample genotypes, learn from their rewards, and save /
// restore its complete state so an interrupted search resumes bit-identically. Controllers
// are picked by `controller.type` in the search YAML.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ops/core/random.hpp"
#include "ops/core/tensor.hpp"
#include "search_spaces/genotype.hpp"
#include "search_spaces/genotype_space.hpp"
#include "search_spaces/supernet.hpp"

namespace bitnas {

// Everything a controller needs to continue exactly where it stopped.
struct ControllerState {
  std::map<std::string, Tensor> tensors;       // learned parameters, optimizer moments
  std::map<std::string, std::string> strings;  // RNG state, populations, counters as text
};

class Controller {
 public:
  virtual ~Controller() = default;
  virtual std::string type_name() const = 0;

  // n genotypes to evaluate next.
  virtual std::vector<Genotype> sample(int n) = 0;
  // Rewards (higher is better) of genotypes this controller sampled, in the same order.
  virtual void step(const std::vector<Genotype>& genotypes, const std::vector<double>& rewards) = 0;
  // The genotypes the controller currently believes best, best first (derive).
  virtual std::vector<Genotype> best(int n) = 0;

  // Rewards measured on an older supernet go stale as it trains. The genotypes whose stored
  // rewards the controller still acts on (evolution: its living population), and their fresh
  // rewards, in the same order, once the search has re-measured them.
  virtual std::vector<Genotype> rewards_to_refresh() const { return {}; }
  virtual void refresh_rewards(const std::vector<double>& rewards) { (void)rewards; }

  // Gradient-based controllers (DARTS, GDAS): the supernet trains on their mixture
  // (select_mixture) and they learn from its architecture gradients after a forward/backward
  // on a controller batch (learn_from_gradients); progress in [0, 1] drives schedules such as
  // GDAS's temperature. The other controllers learn from rewards only.
  // What a genotype costs (OPs per image), for controllers that trade reward against cost
  // (evolution with Pareto selection); the search installs the evaluator's cost count.
  using CostModel = std::function<double(const Genotype&)>;
  virtual void set_cost_model(CostModel cost) { (void)cost; }
  // Draw only genotypes `admissible` accepts (GenotypeSpace::restrict_to): the search's hard
  // OPs budget. Controllers that draw from the space (random, evolution) honour it; learned
  // policies (reinforce, differentiable) keep sampling the whole space and learn the budget
  // from the rejected genotypes' zero reward.
  virtual void restrict_to(GenotypeSpace::Admissible admissible, std::string what) {
    (void)admissible;
    (void)what;
  }

  virtual bool learns_from_gradients() const { return false; }
  virtual void select_mixture(Supernet& supernet) { (void)supernet; }
  virtual void learn_from_gradients(const Supernet& supernet) { (void)supernet; }
  virtual void set_progress(double fraction) { (void)fraction; }

  virtual ControllerState save() const = 0;
  // Throws std::invalid_argument when the state is not this controller's.
  virtual void load(const ControllerState& state) = 0;
};

}  // namespace bitnas

#pragma once
// Regularized (aging) evolution, Real et al. 2019: a population of the P most recently
// evaluated genotypes; each child is a one-step mutation (GenotypeSpace::mutate) of the best
// of S members drawn at random (with replacement, as in the paper); the oldest member dies
// when a child arrives, whatever its reward. Until the population holds P genotypes, samples
// are uniformly random.
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "controllers/controller.hpp"
#include "controllers/evaluation_history.hpp"

namespace bitnas {

// Tournament selection: the best reward of the drawn members (Real et al.), or `pareto`
// (aw_nas's Pareto evolution): a member drawn uniformly from those of the drawn members no
// other drawn member dominates in (higher reward, lower OPs), so cheap and accurate cells
// both breed. Pareto needs a cost model (Controller::set_cost_model).
enum class EvolutionSelection { reward, pareto };

struct EvolutionSettings {
  bool operator==(const EvolutionSettings&) const = default;
  int population_size = 100;
  int tournament_size = 25;
  EvolutionSelection selection = EvolutionSelection::reward;
};

class EvolutionController : public Controller {
 public:
  // Throws std::invalid_argument unless 1 <= tournament_size <= population_size.
  EvolutionController(const SearchSpaceConfig& space, const EvolutionSettings& settings,
                      std::uint64_t seed, SamplingRules rules = {});

  std::string type_name() const override { return "evolution"; }
  std::vector<Genotype> sample(int n) override;
  // Appends the evaluated genotypes to the population (oldest out beyond P) and the history.
  void step(const std::vector<Genotype>& genotypes, const std::vector<double>& rewards) override;
  // From every evaluation so far, not only the living population.
  std::vector<Genotype> best(int n) override { return history_.best(n); }

  // The living population: tournaments compare its rewards, so they are re-measured.
  std::vector<Genotype> rewards_to_refresh() const override;
  void refresh_rewards(const std::vector<double>& rewards) override;

  void set_cost_model(CostModel cost) override { cost_ = std::move(cost); }

  void restrict_to(GenotypeSpace::Admissible admissible, std::string what) override {
    space_.restrict_to(std::move(admissible), std::move(what));
  }
  ControllerState save() const override;
  void load(const ControllerState& state) override;

  // Oldest first.
  const std::deque<ScoredGenotype>& population() const { return population_; }

 private:
  const ScoredGenotype& tournament_winner();

  GenotypeSpace space_;
  EvolutionSettings settings_;
  Rng rng_;
  std::deque<ScoredGenotype> population_;
  EvaluationHistory history_;
  CostModel cost_;
};

}  // namespace bitnas

#include "controllers/evolution_controller.hpp"

#include <stdexcept>

#include "controllers/controller_state_io.hpp"

namespace bitnas {

EvolutionController::EvolutionController(const SearchSpaceConfig& space,
                                         const EvolutionSettings& settings, std::uint64_t seed,
                                         SamplingRules rules)
    : space_(space, rules), settings_(settings), rng_(seed), history_(space.num_init_nodes) {
  if (settings.population_size < 1 || settings.tournament_size < 1 ||
      settings.tournament_size > settings.population_size)
    throw std::invalid_argument("evolution controller: need 1 <= tournament_size (" +
                                std::to_string(settings.tournament_size) +
                                ") <= population_size (" +
                                std::to_string(settings.population_size) + ")");
}

const ScoredGenotype& EvolutionController::tournament_winner() {
  if (settings_.selection == EvolutionSelection::pareto) {
    if (!cost_) throw std::logic_error("evolution with Pareto selection needs a cost model");
    std::vector<const ScoredGenotype*> drawn;
    for (int i = 0; i < settings_.tournament_size; ++i)
      drawn.push_back(&population_[rng_.below(population_.size())]);
    std::vector<double> ops;
    for (const ScoredGenotype* m : drawn) ops.push_back(cost_(m->genotype));
    std::vector<const ScoredGenotype*> front;
    for (std::size_t a = 0; a < drawn.size(); ++a) {
      bool dominated = false;
      for (std::size_t b = 0; b < drawn.size() && !dominated; ++b)
        dominated = drawn[b]->reward >= drawn[a]->reward && ops[b] <= ops[a] &&
                    (drawn[b]->reward > drawn[a]->reward || ops[b] < ops[a]);
      if (!dominated) front.push_back(drawn[a]);
    }
    return *front[rng_.below(front.size())];
  }
  const ScoredGenotype* winner = nullptr;
  for (int i = 0; i < settings_.tournament_size; ++i) {
    const ScoredGenotype& member = population_[rng_.below(population_.size())];
    if (!winner || member.reward > winner->reward) winner = &member;  // ties: first drawn
  }
  return *winner;
}

std::vector<Genotype> EvolutionController::sample(int n) {
  std::vector<Genotype> out;
  for (int i = 0; i < n; ++i) {
    if (static_cast<int>(population_.size()) < settings_.population_size)
      out.push_back(space_.random(rng_));
    else
      out.push_back(space_.mutate(tournament_winner().genotype, rng_));
  }
  return out;
}

void EvolutionController::step(const std::vector<Genotype>& genotypes,
                               const std::vector<double>& rewards) {
  check_step_arguments(space_, genotypes, rewards);
  history_.record(genotypes, rewards);
  for (std::size_t i = 0; i < genotypes.size(); ++i) {
    population_.push_back({genotypes[i], rewards[i]});
    if (static_cast<int>(population_.size()) > settings_.population_size) population_.pop_front();
  }
}

std::vector<Genotype> EvolutionController::rewards_to_refresh() const {
  std::vector<Genotype> out;
  for (const ScoredGenotype& member : population_) out.push_back(member.genotype);
  return out;
}

void EvolutionController::refresh_rewards(const std::vector<double>& rewards) {
  if (rewards.size() != population_.size())
    throw std::invalid_argument("refresh_rewards: " + std::to_string(rewards.size()) +
                                " rewards for a population of " +
                                std::to_string(population_.size()));
  for (std::size_t i = 0; i < rewards.size(); ++i) population_[i].reward = rewards[i];
}

ControllerState EvolutionController::save() const {
  ControllerState state;
  stamp_state_type(state, type_name());
  state.strings["rng"] = rng_.state();
  state.strings["population"] =
      scored_genotypes_text(std::vector<ScoredGenotype>(population_.begin(), population_.end()));
  history_.save(state);
  return state;
}

void EvolutionController::load(const ControllerState& state) {
  require_state_type(state, type_name());
  Rng rng;
  rng.set_state(state_string(state, type_name(), "rng"));
  const std::vector<ScoredGenotype> population =
      parse_scored_genotypes(state_string(state, type_name(), "population"),
                             "evolution controller population");
  if (static_cast<int>(population.size()) > settings_.population_size)
    throw std::invalid_argument("evolution controller state: population of " +
                                std::to_string(population.size()) + " exceeds population_size " +
                                std::to_string(settings_.population_size));
  for (const ScoredGenotype& s : population) space_.encode(s.genotype);
  EvaluationHistory history(history_);
  history.load(state, type_name());

  rng_ = rng;
  population_.assign(population.begin(), population.end());
  history_ = std::move(history);
}

}  // namespace bitnas

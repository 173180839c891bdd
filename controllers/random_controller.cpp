#include "controllers/random_controller.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "controllers/controller_state_io.hpp"
#include "search_spaces/genotype_canonical.hpp"

namespace bitnas {

namespace {

constexpr int kMaxDuplicateDraws = 64;
constexpr double kMaxEnumerated = 1e5;

// Calls visit(decisions) for every decision vector GenotypeSpace::random can produce: any
// ops, and a node's inputs distinct whenever it has at least num_node_inputs predecessors.
template <typename Visit>
void for_each_decision_vector(const GenotypeSpace& space, int num_node_inputs, Visit visit) {
  const std::vector<int>& sizes = space.decision_sizes();
  std::vector<int> d(sizes.size(), 0);
  auto inputs_distinct = [&] {
    for (std::size_t slot = 0; slot < sizes.size() / 2; slot += num_node_inputs) {
      const int node = sizes[2 * slot];
      if (node < num_node_inputs) continue;
      for (int a = 0; a < num_node_inputs; ++a)
        for (int b = a + 1; b < num_node_inputs; ++b)
          if (d[2 * (slot + a)] == d[2 * (slot + b)]) return false;
    }
    return true;
  };
  while (true) {
    if (inputs_distinct()) visit(d);
    std::size_t i = 0;  // odometer increment, last decision fastest
    for (i = sizes.size(); i-- > 0;) {
      if (++d[i] < sizes[i]) break;
      d[i] = 0;
    }
    if (i == static_cast<std::size_t>(-1)) return;
  }
}

}  // namespace

RandomController::RandomController(const SearchSpaceConfig& space, std::uint64_t seed,
                                   SamplingRules rules)
    : space_config_(space), space_(space, rules), rng_(seed), history_(space.num_init_nodes) {}

const std::vector<RandomController::Distinct>& RandomController::distinct_genotypes() {
  if (!distinct_) {
    distinct_.emplace();
    if (space_.log10_size() <= std::log10(kMaxEnumerated)) {
      std::set<std::string> seen;
      for_each_decision_vector(space_, space_config_.num_node_inputs, [&](const std::vector<int>& d) {
        const Genotype g = space_.decode(d);
        if (!space_.allowed(g) || !space_.admissible(g)) return;
        std::string hash = genotype_hash(g, space_config_.num_init_nodes);
        if (seen.insert(hash).second) distinct_->push_back({std::move(hash), d});
      });
    }
  }
  return *distinct_;
}

std::optional<Genotype> RandomController::next_unseen() {
  for (int draw = 0; draw < kMaxDuplicateDraws; ++draw) {
    Genotype g = space_.random(rng_);
    std::string hash = genotype_hash(g, space_config_.num_init_nodes);
    if (sampled_set_.insert(hash).second) {
      sampled_.push_back(std::move(hash));
      return g;
    }
  }
  const std::vector<Distinct>& all = distinct_genotypes();
  if (all.empty())
    throw std::runtime_error("random controller: " + std::to_string(kMaxDuplicateDraws) +
                             " draws in a row gave genotypes already sampled, in a space too "
                             "large to enumerate");
  std::vector<const Distinct*> unseen;
  for (const Distinct& d : all)
    if (!sampled_set_.count(d.hash)) unseen.push_back(&d);
  if (unseen.empty()) return std::nullopt;  // exhausted
  const Distinct& pick = *unseen[rng_.below(unseen.size())];
  sampled_set_.insert(pick.hash);
  sampled_.push_back(pick.hash);
  return space_.decode(pick.decisions);
}

std::vector<Genotype> RandomController::sample(int n) {
  std::vector<Genotype> out;
  for (int i = 0; i < n; ++i) {
    std::optional<Genotype> g = next_unseen();
    if (!g) break;
    out.push_back(std::move(*g));
  }
  return out;
}

void RandomController::step(const std::vector<Genotype>& genotypes,
                            const std::vector<double>& rewards) {
  check_step_arguments(space_, genotypes, rewards);
  history_.record(genotypes, rewards);
}

ControllerState RandomController::save() const {
  ControllerState state;
  stamp_state_type(state, type_name());
  state.strings["rng"] = rng_.state();
  std::string sampled;
  for (const std::string& h : sampled_) sampled += h + "\n";
  state.strings["sampled"] = sampled;
  history_.save(state);
  return state;
}

void RandomController::load(const ControllerState& state) {
  require_state_type(state, type_name());
  Rng rng;
  rng.set_state(state_string(state, type_name(), "rng"));
  std::vector<std::string> sampled;
  std::istringstream in(state_string(state, type_name(), "sampled"));
  for (std::string line; std::getline(in, line);) sampled.push_back(line);
  EvaluationHistory history(space_config_.num_init_nodes);
  history.load(state, type_name());

  rng_ = rng;
  sampled_ = std::move(sampled);
  sampled_set_ = std::set<std::string>(sampled_.begin(), sampled_.end());
  history_ = std::move(history);
}

}  // namespace bitnas

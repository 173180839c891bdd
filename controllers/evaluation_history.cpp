#include "controllers/evaluation_history.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>

#include "controllers/controller_state_io.hpp"
#include "search_spaces/genotype_canonical.hpp"
#include "search_spaces/genotype_parser.hpp"
#include "search_spaces/genotype_printer.hpp"

namespace bitnas {

std::string scored_genotypes_text(const std::vector<ScoredGenotype>& list) {
  std::string text;
  for (const ScoredGenotype& s : list) text += exact_text(s.reward) + "\t" + to_string(s.genotype) + "\n";
  return text;
}

std::vector<ScoredGenotype> parse_scored_genotypes(const std::string& text,
                                                   const std::string& what) {
  std::vector<ScoredGenotype> list;
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = what + " line " + std::to_string(number);
    const auto tab = line.find('\t');
    if (tab == std::string::npos) throw std::invalid_argument(where + ": expected '<reward>\\t<genotype>'");
    ScoredGenotype s;
    s.reward = parse_exact_double(line.substr(0, tab), where);
    try {
      s.genotype = parse_genotype(line.substr(tab + 1));
    } catch (const std::exception& e) {
      throw std::invalid_argument(where + ": " + e.what());
    }
    list.push_back(std::move(s));
  }
  return list;
}

void check_step_arguments(const GenotypeSpace& space, const std::vector<Genotype>& genotypes,
                          const std::vector<double>& rewards) {
  if (genotypes.size() != rewards.size())
    throw std::invalid_argument("controller step: " + std::to_string(genotypes.size()) +
                                " genotypes but " + std::to_string(rewards.size()) + " rewards");
  for (std::size_t i = 0; i < rewards.size(); ++i) {
    if (!std::isfinite(rewards[i]))
      throw std::invalid_argument("controller step: reward " + std::to_string(i) + " is not finite");
    space.encode(genotypes[i]);
  }
}

void EvaluationHistory::record(const std::vector<Genotype>& genotypes,
                               const std::vector<double>& rewards) {
  for (std::size_t i = 0; i < genotypes.size() && i < rewards.size(); ++i)
    entries_.push_back({genotypes[i], rewards[i]});
}

std::vector<Genotype> EvaluationHistory::best(int n) const {
  std::vector<std::size_t> order(entries_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return entries_[a].reward > entries_[b].reward;
  });
  std::vector<Genotype> out;
  std::set<std::string> taken;
  for (std::size_t i : order) {
    if (static_cast<int>(out.size()) >= n) break;
    if (taken.insert(genotype_hash(entries_[i].genotype, num_init_nodes_)).second)
      out.push_back(entries_[i].genotype);
  }
  return out;
}

std::vector<Genotype> EvaluationHistory::best_after(const Genotype& leader, int n) const {
  if (n <= 0) return {};
  const std::string leader_hash = genotype_hash(leader, num_init_nodes_);
  std::vector<Genotype> out{leader};
  for (Genotype& g : best(n)) {
    if (static_cast<int>(out.size()) >= n) break;
    if (genotype_hash(g, num_init_nodes_) != leader_hash) out.push_back(std::move(g));
  }
  return out;
}

void EvaluationHistory::save(ControllerState& state) const {
  state.strings["history"] = scored_genotypes_text(entries_);
}

void EvaluationHistory::load(const ControllerState& state, const std::string& type) {
  entries_ = parse_scored_genotypes(state_string(state, type, "history"), type + " controller history");
}

}  // namespace bitnas

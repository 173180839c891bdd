#pragma once
// Every genotype a controller was rewarded for, in arrival order: what best(n) answers from
// (all four controllers), and what goes into the saved state as text.
#include <string>
#include <vector>

#include "controllers/controller.hpp"
#include "search_spaces/genotype_space.hpp"

namespace bitnas {

struct ScoredGenotype {
  Genotype genotype;
  double reward = 0.0;
};

// One line per genotype: "<exact reward>\t<genotype string>".
std::string scored_genotypes_text(const std::vector<ScoredGenotype>& list);
// Throws std::invalid_argument naming `what` and the line for a malformed line.
std::vector<ScoredGenotype> parse_scored_genotypes(const std::string& text,
                                                   const std::string& what);

// Throws std::invalid_argument when the counts differ, a reward is not finite, or a genotype
// is not of `space` (GenotypeSpace::encode's message): step()'s argument check.
void check_step_arguments(const GenotypeSpace& space, const std::vector<Genotype>& genotypes,
                          const std::vector<double>& rewards);

class EvaluationHistory {
 public:
  // Genotypes are told apart by genotype_hash with this many cell inputs.
  explicit EvaluationHistory(int num_init_nodes) : num_init_nodes_(num_init_nodes) {}

  void record(const std::vector<Genotype>& genotypes, const std::vector<double>& rewards);
  const std::vector<ScoredGenotype>& entries() const { return entries_; }

  // Up to n distinct genotypes (by canonical hash), highest reward first; a genotype evaluated
  // more than once counts with its best reward; equal rewards keep arrival order.
  std::vector<Genotype> best(int n) const;
  // `leader` first, then best(n) without anything equal to it: the controllers whose own
  // belief (argmax policy, derived genotype) outranks any single measurement.
  std::vector<Genotype> best_after(const Genotype& leader, int n) const;

  void save(ControllerState& state) const;
  // Throws std::invalid_argument (naming `type`) when the entry is missing or malformed.
  void load(const ControllerState& state, const std::string& type);

 private:
  int num_init_nodes_;
  std::vector<ScoredGenotype> entries_;
};

}  // namespace bitnas

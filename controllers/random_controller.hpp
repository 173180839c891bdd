#pragma once
// Random search: uniform draws from the GenotypeSpace that skip anything already sampled
// (by canonical hash, so two orderings of the same cell count as one).
//
// Exhaustion: sample(n) returns fewer than n genotypes (possibly none) once every distinct
// genotype of the space has been sampled. Draws are rejection-sampled; after 64 duplicates in
// a row the controller enumerates the space (when it has at most 100000 decision vectors)
// and picks uniformly among the genotypes not yet sampled, or learns that none are left.
// A larger space that still gives 64 duplicates in a row is practically impossible; it
// throws std::runtime_error rather than loop.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controllers/controller.hpp"
#include "controllers/evaluation_history.hpp"

namespace bitnas {

class RandomController : public Controller {
 public:
  RandomController(const SearchSpaceConfig& space, std::uint64_t seed, SamplingRules rules = {});

  std::string type_name() const override { return "random"; }
  std::vector<Genotype> sample(int n) override;
  // Only remembers the rewards, for best().
  void step(const std::vector<Genotype>& genotypes, const std::vector<double>& rewards) override;
  std::vector<Genotype> best(int n) override { return history_.best(n); }

  void restrict_to(GenotypeSpace::Admissible admissible, std::string what) override {
    space_.restrict_to(std::move(admissible), std::move(what));
    distinct_.reset();
  }
  ControllerState save() const override;
  void load(const ControllerState& state) override;

  int num_sampled() const { return static_cast<int>(sampled_.size()); }

 private:
  struct Distinct {
    std::string hash;
    std::vector<int> decisions;
  };
  std::optional<Genotype> next_unseen();
  // One decision vector per distinct genotype, in enumeration order; empty when the space is
  // too large to enumerate.
  const std::vector<Distinct>& distinct_genotypes();

  SearchSpaceConfig space_config_;
  GenotypeSpace space_;
  Rng rng_;
  std::vector<std::string> sampled_;  // hashes in sampling order (saved)
  std::set<std::string> sampled_set_;
  EvaluationHistory history_;
  std::optional<std::vector<Distinct>> distinct_;  // computed on first need
};

}  // namespace bitnas

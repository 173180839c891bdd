#pragma once
// One search run (docs/SEARCH.md): train the weight-sharing supernet on the supernet portion of the
// training set, and interleaved with it let the controller sample genotypes, score them with
// shared weights on reward batches and learn from the rewards. Every sample and its reward
// goes into the results database as it happens; the supernet, its optimizer, the controller,
// the RNG and the counters are checkpointed after every epoch, so a run killed at any point
// resumes with `resume` and ends bit-identical to an uninterrupted one (same seed, threads).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "evaluators/training_progress.hpp"
#include "nas/search/search_config.hpp"
#include "search_spaces/genotype.hpp"

namespace bitnas {

struct SearchRequest {
  SearchConfig config;
  std::string name;
  std::filesystem::path run_dir;  // checkpoint.bnck
  std::optional<std::filesystem::path> db_path;
  bool resume = false;
};

struct SearchProgressInfo {
  int epoch = 0, epochs = 0;
  int step = 0, steps = 0;     // supernet steps in this epoch
  double best_reward = 0.0;
  double samples_per_s = 0.0;
  double seconds_left = 0.0;
};

class SearchProgress {
 public:
  virtual ~SearchProgress() = default;
  virtual void message(const std::string& text) = 0;
  virtual void step_done(const SearchProgressInfo& info) = 0;
  virtual void epoch_done(const SearchEpochMetrics& metrics, int epochs) = 0;
};

struct SearchOutcome {
  std::optional<std::int64_t> run_id;
  std::filesystem::path checkpoint;
  std::vector<SearchEpochMetrics> epochs;
  std::int64_t samples = 0;  // recorded over the whole run
  std::int64_t supernet_steps = 0;
  double best_reward = 0.0;
  std::string best_genotype;
  bool was_finished = false;
  bool stopped_by_time_budget = false;
  double seconds = 0.0;
};

SearchOutcome run_search(const SearchRequest& request, SearchProgress& progress);

// `bitnas derive`: the final ranking of a finished (or interrupted) search. Candidates are
// the controller's best evaluated genotypes plus fresh samples from it; each is scored with
// the supernet's shared weights on the whole derive portion, ranked, recorded as a derive run
// (results: reward and rank on split "derive"), and the top ones written as YAML that
// `bitnas train --genotype-file` reads.
struct DeriveRequest {
  std::filesystem::path db_path;
  std::int64_t search_run = 0;
  int top = 5;         // genotypes kept in the ranking
  int samples = 10;    // fresh samples drawn from the controller
  int from_best = 10;  // best genotypes the controller evaluated during the search
  std::optional<std::filesystem::path> output;
  // Given genotypes to score instead of the controller's (e.g. a uniform sample of the space,
  // for the reward-vs-accuracy correlation); all of them are ranked.
  std::vector<std::string> candidates;
};

struct DerivedGenotype {
  int rank = 0;
  std::string genotype;  // canonical
  std::string hash;
  double reward = 0.0;
  double accuracy = 0.0;
  double ops = 0.0;
  std::int64_t params = 0;
};

struct DeriveOutcome {
  std::int64_t derive_run = 0;
  std::string search_config_source;
  std::vector<DerivedGenotype> ranked;
};

DeriveOutcome run_derive(const DeriveRequest& request, SearchProgress& progress);

}  // namespace bitnas

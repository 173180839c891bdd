#pragma once
// Read-side questions over the results database, as typed rows: what `bitnas query` prints
// (the command only formats). Every function reads through prepared statements with bound
// values; all work on a read-only ResultsDb.
//
// Conventions of the data (docs/DATABASE.md, "Queries"):
// - a search run's `samples` hold every sampled genotype and its reward (shared-weights top-1
//   on a controller batch);
// - a derive run's `results` hold, per derived genotype, metric 'reward' split 'derive' (its
//   shared-weights top-1 on the whole derive split) and metric 'rank' split 'derive';
// - a train run's `results` hold metric 'top1' split 'test' (and 'valid') for the genotype it
//   trained: that genotype's retrained accuracy.
// The *retrained top-1* of a genotype is the mean of 'top1'/'valid' over every train run that
// trained it (several seeds average; `retrains` says how many): genotypes are ranked and
// selected on validation. The mean 'top1'/'test' is shown beside it, never ranked on.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ops/core/kendall_tau.hpp"
#include "storage/result_records.hpp"
#include "storage/results_db.hpp"

namespace bitnas {

// One run with what it achieved. Which fields a run has depends on its kind; absent ones are
// empty rather than zero.
struct RunOverview {
  std::int64_t id = 0;
  RunKind kind = RunKind::train;
  std::string name;
  RunStatus status = RunStatus::running;
  std::string started_at;
  std::optional<std::string> finished_at;
  std::int64_t epochs = 0;  // distinct epochs in epoch_metrics and search_epochs
  // search: the best sample's; derive: the best derived genotype's; train, eval: the genotype
  // of the run's best 'top1'/'test' result.
  std::optional<std::string> best_genotype;
  std::optional<double> best_reward;      // search: max sample reward; derive: max derive reward
  std::optional<double> best_epoch_valid;  // max epoch_metrics.valid_acc
  std::optional<double> final_top1;       // max 'top1'/'test' result of the run
  std::optional<double> wall_s;           // sum of the recorded epochs' wall_s
  std::optional<double> elapsed_s;        // finished_at - started_at (empty while running)
};

// The one number `bitnas query runs` shows per run: search and derive, best_reward; train and
// eval, the test top-1 it recorded at the end (final_top1).
std::optional<double> best_result(const RunOverview& run);
// What best_result is: "reward/sample", "reward/derive" or "top1/test".
const char* best_result_label(RunKind kind);

std::vector<RunOverview> list_run_overviews(const ResultsDb& db);  // by id
// In the order given (repeats allowed); throws naming the first id that is not a run.
std::vector<RunOverview> run_overviews(const ResultsDb& db, std::span<const std::int64_t> ids);

// One sample of a search, as `history` lists it.
struct HistoryRow {
  std::int64_t step = 0;
  std::int64_t idx = 0;
  std::int64_t epoch = 0;
  std::string hash;
  std::string canonical;
  double reward = 0.0;
  std::optional<double> loss;
  std::optional<double> accuracy;
};

// Every sample of search run `run_id` by step and index; the first `limit` when given.
// Throws if the run does not exist or is not a search.
std::vector<HistoryRow> search_history(const ResultsDb& db, std::int64_t run_id,
                                       std::optional<std::int64_t> limit = std::nullopt);

enum class RankBy { reward, retrained };

struct TopQuery {
  std::optional<std::int64_t> run_id;  // empty: all runs
  RankBy by = RankBy::reward;
  std::optional<double> max_ops;       // keep genotypes with genotypes.ops <= max_ops (known ops)
  std::optional<std::int64_t> limit;   // empty: every row
};

struct RankedGenotype {
  std::int64_t rank = 0;  // 1, 2, ... in the order returned
  std::string hash;
  // Best reward in the chosen runs: a sample reward (search) or a derive reward (derive),
  // and the run that gave it.
  std::optional<double> reward;
  std::optional<std::int64_t> reward_run;
  std::optional<double> retrained_top1;  // validation, over all train runs (top of this file)
  std::optional<double> retrained_test_top1;  // test, beside it
  std::int64_t retrains = 0;
  std::optional<std::int64_t> params;  // fp_params + binary_params
  std::optional<double> ops;
  std::optional<double> bytes;
  std::string canonical;
};

// The genotypes the chosen runs mention (samples or results), best first by reward or by
// retrained top-1; genotypes without that number are left out. Ties: the other number, then
// the hash. Throws if query.run_id is not a run.
std::vector<RankedGenotype> top_genotypes(const ResultsDb& db, const TopQuery& query);

// A row that mentions a genotype: a result (metric, split, value) or a sample (metric
// 'reward', split 'sample', with its step, idx and epoch).
struct GenotypeMention {
  std::int64_t run_id = 0;
  RunKind kind = RunKind::train;
  std::string run_name;
  std::string source;  // "result" or "sample"
  std::string metric;
  std::string split;
  double value = 0.0;
  std::optional<std::int64_t> step;
  std::optional<std::int64_t> idx;
  std::optional<std::int64_t> epoch;
};

struct GenotypeDetails {
  std::int64_t id = 0;
  GenotypeRecord genotype;
  std::vector<GenotypeMention> mentions;  // by run; a run's results before its samples
};

constexpr std::size_t kMinHashPrefix = 6;
// The genotype whose hash is `hash_prefix` or starts with it (at least kMinHashPrefix
// characters, any case). Throws std::invalid_argument for a short prefix and
// std::runtime_error when nothing or more than one genotype matches (listing the matches).
GenotypeDetails genotype_details(const ResultsDb& db, std::string_view hash_prefix);

// A genotype with both a supernet reward in the run and a retrained top-1.
struct CorrelationPair {
  std::string hash;
  std::string canonical;
  double reward = 0.0;          // mean over the run's rewards of the genotype
  std::int64_t rewards = 0;     // how many were averaged
  double retrained_top1 = 0.0;  // mean validation top-1 over train runs
  std::optional<double> retrained_test_top1;  // mean test top-1, beside it
  std::int64_t retrains = 0;
};

struct RewardCorrelation {
  std::int64_t run_id = 0;
  RunKind kind = RunKind::search;
  std::string reward_source;          // which reward was used, in words
  std::vector<CorrelationPair> pairs; // by reward, best first
  KendallTau tau;                     // between pairs' reward and retrained_top1
};

// How well the supernet's reward in run `run_id` ranks genotypes the way retraining does.
// For a search run the reward of a genotype is the mean of its sample rewards in that run; for
// a derive run it is its derive reward (shared weights on the whole derive split). Only
// genotypes that also have a retrained top-1 (any train run) are paired. Throws if the run is
// not a search or derive run; fewer than 2 pairs is not an error (tau.tau_b is empty).
RewardCorrelation reward_correlation(const ResultsDb& db, std::int64_t run_id);

// Finished train runs grouped by the genotype they trained: the protocol's comparison table.
// Means and sample standard deviations over the runs (seeds) of each genotype.
struct RetrainedSummary {
  std::string hash;
  std::string canonical;
  std::int64_t runs = 0;
  double valid_mean = 0.0, valid_sd = 0.0;  // 'top1'/'valid': what selection may use
  double test_mean = 0.0, test_sd = 0.0;    // 'top1'/'test': read once per run, at its end
  std::optional<std::int64_t> params;
  std::optional<double> ops;
  double wall_s_mean = 0.0;                 // training time of a run (sum of its epochs)
  std::string names;                        // the runs' names, distinct, joined by ", "
};

struct RetrainedQuery {
  std::optional<std::int64_t> from_run;  // only genotypes this run mentions (e.g. a derive run)
  std::optional<std::string> name_contains;  // only train runs whose name contains this
};

// By mean validation top-1, best first.
std::vector<RetrainedSummary> retrained_summaries(const ResultsDb& db, const RetrainedQuery& q);

}  // namespace bitnas

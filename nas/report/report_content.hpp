#pragma once
// What `bitnas report` shows, read from the results database through storage's queries: per
// search run its reward curve, every genotype it sampled (best reward, OPs), its best cells
// drawn, and the retrained results of its genotypes; once for the page, the baselines'
// retrained results.
#include <cstdint>
#include <string>
#include <vector>

#include "nas/report/cell_drawing.hpp"
#include "storage/results_db.hpp"
#include "storage/results_queries.hpp"
#include "storage/search_reward_curve.hpp"

namespace bitnas::cli {

struct DrawnGenotype {
  std::string hash;
  CellDrawing drawing;
};

struct SearchRunSection {
  RunOverview run;
  RewardCurve reward_curve;
  std::vector<RankedGenotype> genotypes;  // every genotype the run sampled, best reward first
  std::vector<DrawnGenotype> best_cells;  // the first few of `genotypes`
  std::vector<RetrainedSummary> retrained;  // train runs of the run's genotypes
};

struct ReportContent {
  std::string database;  // the file, as given
  std::vector<SearchRunSection> runs;
  // Train runs whose name mentions "baseline" or a built-in baseline's name.
  std::vector<RetrainedSummary> baselines;
  std::size_t top_k = 10;  // rows of each run's top-k table
};

struct ReportRequest {
  std::vector<std::int64_t> run_ids;  // empty: every search run in the database
  std::size_t top_k = 10;
  std::size_t drawn = 3;  // best genotypes drawn per run
};

// Throws naming the database when it holds no run or no search run, and naming the run when
// an id is not a run or not a search run.
ReportContent collect_report(const ResultsDb& db, const ReportRequest& request);

}  // namespace bitnas::cli

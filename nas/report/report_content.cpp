#include "nas/report/report_content.hpp"

#include <algorithm>
#include <iterator>
#include <set>
#include <stdexcept>

#include "search_spaces/model_spec.hpp"

namespace bitnas::cli {

namespace {

std::string database_label(const ResultsDb& db) { return "database '" + db.path().string() + "'"; }

std::vector<RunOverview> chosen_runs(const ResultsDb& db, const std::vector<std::int64_t>& ids) {
  if (!ids.empty()) {
    std::vector<RunOverview> runs = run_overviews(db, ids);  // throws naming an unknown id
    for (const RunOverview& r : runs)
      if (r.kind != RunKind::search)
        throw std::runtime_error(database_label(db) + ": run " + std::to_string(r.id) + " ('" +
                                 r.name + "') is a " + to_string(r.kind) +
                                 " run; report shows search runs (list them with bitnas query "
                                 "runs)");
    return runs;
  }
  const std::vector<RunOverview> all = list_run_overviews(db);
  if (all.empty())
    throw std::runtime_error(database_label(db) + " holds no runs: nothing to report");
  std::vector<RunOverview> searches;
  std::copy_if(all.begin(), all.end(), std::back_inserter(searches),
               [](const RunOverview& r) { return r.kind == RunKind::search; });
  if (searches.empty())
    throw std::runtime_error(database_label(db) + " holds " + std::to_string(all.size()) +
                             " runs but no search run; report shows search runs");
  return searches;
}

// Baseline retrains are train runs named after the campaign's label or the baseline itself.
std::vector<RetrainedSummary> baseline_summaries(const ResultsDb& db) {
  std::vector<std::string> names = {"baseline"};
  for (const std::string& b : baseline_names()) names.push_back(b);
  std::vector<RetrainedSummary> out;
  std::set<std::string> seen;
  for (const std::string& name : names)
    for (RetrainedSummary& s : retrained_summaries(db, RetrainedQuery{std::nullopt, name}))
      if (seen.insert(s.hash).second) out.push_back(std::move(s));
  std::stable_sort(out.begin(), out.end(), [](const RetrainedSummary& a, const RetrainedSummary& b) {
    return a.valid_mean > b.valid_mean;
  });
  return out;
}

}  // namespace

ReportContent collect_report(const ResultsDb& db, const ReportRequest& request) {
  ReportContent content;
  content.database = db.path().string();
  content.top_k = request.top_k;
  for (RunOverview& run : chosen_runs(db, request.run_ids)) {
    SearchRunSection section;
    section.reward_curve = search_reward_curve(db, run.id);
    section.genotypes = top_genotypes(db, TopQuery{run.id, RankBy::reward, std::nullopt, std::nullopt});
    const std::string config_text = db.get_run(run.id).info.config_text;
    const std::string source = "search run " + std::to_string(run.id);
    for (std::size_t i = 0; i < section.genotypes.size() && i < request.drawn; ++i)
      section.best_cells.push_back(
          {section.genotypes[i].hash, draw_cells(section.genotypes[i].canonical, config_text, source)});
    section.retrained = retrained_summaries(db, RetrainedQuery{run.id, std::nullopt});
    section.run = std::move(run);
    content.runs.push_back(std::move(section));
  }
  content.baselines = baseline_summaries(db);
  return content;
}

}  // namespace bitnas::cli

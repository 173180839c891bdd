#include "storage/search_reward_curve.hpp"

#include <stdexcept>

#include "storage/sqlite_statement.hpp"

namespace bitnas {

RewardCurve search_reward_curve(const ResultsDb& db, std::int64_t run_id) {
  const RunRecord run = db.get_run(run_id);  // throws if there is none
  if (run.info.kind != RunKind::search)
    throw std::runtime_error("run " + std::to_string(run_id) + " is a " + to_string(run.info.kind) +
                             " run; a reward curve needs a search run");
  RewardCurve curve;
  curve.axis = "epoch";
  for (const SearchEpochMetrics& e : db.search_epochs(run_id))
    if (e.mean_reward || e.best_reward) curve.points.push_back({e.epoch, e.mean_reward, e.best_reward});
  if (!curve.points.empty()) return curve;

  // Older runs, or a run stopped inside its first epoch: the samples are all there is.
  curve.axis = "controller step";
  SqliteStatement query(db.connection(),
                        "SELECT step, avg(reward), max(reward) FROM samples WHERE run_id = ?1 "
                        "GROUP BY step ORDER BY step");
  query.bind(1, run_id);
  while (query.step())
    curve.points.push_back(
        {query.column_int64(0), query.column_double(1), query.column_double(2)});
  return curve;
}

}  // namespace bitnas

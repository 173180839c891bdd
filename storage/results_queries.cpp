#include "storage/results_queries.hpp"

#include <cmath>

#include <map>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>

#include "storage/sqlite_statement.hpp"

namespace bitnas {
namespace {

std::string label(const ResultsDb& db) { return "results database '" + db.path().string() + "'"; }

// Every column of RunOverview for the run `r` (the statement supplies FROM runs r). Constant
// SQL: the run id comes from the outer row.
constexpr std::string_view kOverviewColumns = R"sql(
SELECT r.id, r.kind, r.name, r.status, r.started_at, r.finished_at,
  (SELECT count(*) FROM (SELECT epoch FROM epoch_metrics WHERE run_id = r.id
                         UNION SELECT epoch FROM search_epochs WHERE run_id = r.id)),
  CASE r.kind
    WHEN 'search' THEN (SELECT g.hash FROM samples s JOIN genotypes g ON g.id = s.genotype_id
                        WHERE s.run_id = r.id ORDER BY s.reward DESC, s.step, s.idx LIMIT 1)
    WHEN 'derive' THEN (SELECT g.hash FROM results x JOIN genotypes g ON g.id = x.genotype_id
                        WHERE x.run_id = r.id AND x.metric = 'reward' AND x.split = 'derive'
                        ORDER BY x.value DESC, g.hash LIMIT 1)
    ELSE (SELECT g.hash FROM results x JOIN genotypes g ON g.id = x.genotype_id
          WHERE x.run_id = r.id AND x.metric = 'top1' AND x.split = 'test'
          ORDER BY x.value DESC, g.hash LIMIT 1)
  END,
  CASE r.kind
    WHEN 'search' THEN (SELECT max(reward) FROM samples WHERE run_id = r.id)
    WHEN 'derive' THEN (SELECT max(value) FROM results
                        WHERE run_id = r.id AND metric = 'reward' AND split = 'derive')
  END,
  (SELECT max(valid_acc) FROM epoch_metrics WHERE run_id = r.id),
  (SELECT max(value) FROM results WHERE run_id = r.id AND metric = 'top1' AND split = 'test'),
  (SELECT sum(w) FROM (SELECT wall_s AS w FROM epoch_metrics WHERE run_id = r.id
                       UNION ALL SELECT wall_s FROM search_epochs WHERE run_id = r.id)),
  round((julianday(r.finished_at) - julianday(r.started_at)) * 86400.0, 3)
FROM runs r
)sql";

// A run stored as running whose process is gone is shown as interrupted.
RunOverview read_overview(const SqliteStatement& row, const ResultsDb& db) {
  RunOverview o;
  o.id = row.column_int64(0);
  o.kind = parse_run_kind(row.column_text(1));
  o.name = row.column_text(2);
  o.status = parse_run_status(row.column_text(3));
  if (o.status == RunStatus::running) o.status = db.get_run(o.id).observed_status();
  o.started_at = row.column_text(4);
  o.finished_at = row.column_optional_text(5);
  o.epochs = row.column_int64(6);
  o.best_genotype = row.column_optional_text(7);
  o.best_reward = row.column_optional_double(8);
  o.best_epoch_valid = row.column_optional_double(9);
  o.final_top1 = row.column_optional_double(10);
  o.wall_s = row.column_optional_double(11);
  o.elapsed_s = row.column_optional_double(12);
  return o;
}

// Per genotype some train run retrained: the mean 'top1'/'valid' (what rankings use), the
// mean 'top1'/'test' (shown beside it) and how many runs: a CTE named retrained
// (genotype_id, top1, test_top1, n) for the statements below to join.
constexpr std::string_view kRetrainedCte = R"sql(
retrained AS (
  SELECT x.genotype_id,
         avg(x.value) FILTER (WHERE x.split = 'valid') AS top1,
         avg(x.value) FILTER (WHERE x.split = 'test') AS test_top1,
         count(*) FILTER (WHERE x.split = 'valid') AS n
  FROM results x JOIN runs u ON u.id = x.run_id
  WHERE u.kind = 'train' AND x.metric = 'top1' AND x.split IN ('valid', 'test')
    AND x.genotype_id IS NOT NULL
  GROUP BY x.genotype_id
  HAVING count(*) FILTER (WHERE x.split = 'valid') > 0)
)sql";

}  // namespace

std::optional<double> best_result(const RunOverview& run) {
  if (run.kind == RunKind::search || run.kind == RunKind::derive) return run.best_reward;
  return run.final_top1;  // the test split, read once at the end
}

const char* best_result_label(RunKind kind) {
  switch (kind) {
    case RunKind::search: return "reward/sample";
    case RunKind::derive: return "reward/derive";
    case RunKind::train:
    case RunKind::eval: return "top1/test";
  }
  return "?";
}

std::vector<RunOverview> list_run_overviews(const ResultsDb& db) {
  SqliteStatement query(db.connection(), std::string(kOverviewColumns) + " ORDER BY r.id");
  std::vector<RunOverview> out;
  while (query.step()) out.push_back(read_overview(query, db));
  return out;
}

std::vector<RunOverview> run_overviews(const ResultsDb& db, std::span<const std::int64_t> ids) {
  SqliteStatement query(db.connection(), std::string(kOverviewColumns) + " WHERE r.id = ?1");
  std::vector<RunOverview> out;
  for (std::int64_t id : ids) {
    query.reset();
    query.bind(1, id);
    if (!query.step()) throw std::runtime_error(label(db) + ": no run " + std::to_string(id));
    out.push_back(read_overview(query, db));
  }
  return out;
}

std::vector<HistoryRow> search_history(const ResultsDb& db, std::int64_t run_id,
                                       std::optional<std::int64_t> limit) {
  const RunRecord run = db.get_run(run_id);  // throws if there is none
  if (run.info.kind != RunKind::search)
    throw std::runtime_error("run " + std::to_string(run_id) + " is a " + to_string(run.info.kind) +
                             " run; history lists the samples of a search run");
  SqliteStatement query(db.connection(),
                        "SELECT s.step, s.idx, s.epoch, g.hash, g.canonical, s.reward, s.loss, "
                        "s.accuracy FROM samples s JOIN genotypes g ON g.id = s.genotype_id "
                        "WHERE s.run_id = ?1 ORDER BY s.step, s.idx LIMIT ?2");
  query.bind(1, run_id).bind(2, limit.value_or(-1));  // a negative LIMIT is no limit
  std::vector<HistoryRow> out;
  while (query.step()) {
    HistoryRow h;
    h.step = query.column_int64(0);
    h.idx = query.column_int64(1);
    h.epoch = query.column_int64(2);
    h.hash = query.column_text(3);
    h.canonical = query.column_text(4);
    h.reward = query.column_double(5);
    h.loss = query.column_optional_double(6);
    h.accuracy = query.column_optional_double(7);
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<RankedGenotype> top_genotypes(const ResultsDb& db, const TopQuery& q) {
  if (q.run_id) db.get_run(*q.run_id);  // throws if there is none
  // ?1 run id or NULL for all runs, ?2 0 = by reward / 1 = by retrained, ?3 max ops or NULL,
  // ?4 limit (negative: none).
  SqliteStatement query(db.connection(), "WITH " + std::string(kRetrainedCte) + R"sql(,
chosen AS (SELECT id FROM runs WHERE ?1 IS NULL OR id = ?1),
reward AS (
  SELECT genotype_id, value, run_id,
         row_number() OVER (PARTITION BY genotype_id ORDER BY value DESC, run_id) AS place
  FROM (SELECT genotype_id, reward AS value, run_id FROM samples WHERE run_id IN chosen
        UNION ALL
        SELECT genotype_id, value, run_id FROM results
        WHERE run_id IN chosen AND metric = 'reward' AND split = 'derive'
          AND genotype_id IS NOT NULL)),
mentioned AS (
  SELECT genotype_id FROM samples WHERE run_id IN chosen
  UNION
  SELECT genotype_id FROM results WHERE run_id IN chosen AND genotype_id IS NOT NULL)
SELECT g.hash, w.value, w.run_id, t.top1, ifnull(t.n, 0), g.fp_params + g.binary_params,
       g.ops, g.bytes, g.canonical, t.test_top1
FROM mentioned m JOIN genotypes g ON g.id = m.genotype_id
LEFT JOIN reward w ON w.genotype_id = g.id AND w.place = 1
LEFT JOIN retrained t ON t.genotype_id = g.id
WHERE (CASE ?2 WHEN 0 THEN w.value ELSE t.top1 END) IS NOT NULL
  AND (?3 IS NULL OR g.ops <= ?3)
ORDER BY CASE ?2 WHEN 0 THEN w.value ELSE t.top1 END DESC,
         CASE ?2 WHEN 0 THEN t.top1 ELSE w.value END DESC NULLS LAST,
         g.hash
LIMIT ?4
)sql");
  query.bind(1, q.run_id)
      .bind(2, q.by == RankBy::reward ? 0 : 1)
      .bind(3, q.max_ops)
      .bind(4, q.limit.value_or(-1));
  std::vector<RankedGenotype> out;
  while (query.step()) {
    RankedGenotype r;
    r.rank = static_cast<std::int64_t>(out.size()) + 1;
    r.hash = query.column_text(0);
    r.reward = query.column_optional_double(1);
    r.reward_run = query.column_optional_int64(2);
    r.retrained_top1 = query.column_optional_double(3);
    r.retrains = query.column_int64(4);
    r.params = query.column_optional_int64(5);
    r.ops = query.column_optional_double(6);
    r.bytes = query.column_optional_double(7);
    r.canonical = query.column_text(8);
    r.retrained_test_top1 = query.column_optional_double(9);
    out.push_back(std::move(r));
  }
  return out;
}

GenotypeDetails genotype_details(const ResultsDb& db, std::string_view hash_prefix) {
  std::string prefix(hash_prefix);
  for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (prefix.size() < kMinHashPrefix)
    throw std::invalid_argument("genotype hash '" + prefix + "' is too short: give at least " +
                                std::to_string(kMinHashPrefix) + " characters of it");
  // At most 11 matches: enough to list 10 and say there are more.
  SqliteStatement find(db.connection(),
                       "SELECT id, hash, canonical FROM genotypes "
                       "WHERE substr(hash, 1, length(?1)) = ?1 ORDER BY hash LIMIT 11");
  find.bind(1, std::string_view(prefix));
  std::vector<std::int64_t> ids;
  std::string listing;
  while (find.step()) {
    ids.push_back(find.column_int64(0));
    if (ids.size() <= 10) listing += "\n  " + find.column_text(1) + "  " + find.column_text(2);
  }
  if (ids.empty())
    throw std::runtime_error(label(db) + ": no genotype hash starts with '" + prefix + "'");
  if (ids.size() > 1)
    throw std::runtime_error(label(db) + ": genotype hash prefix '" + prefix + "' matches " +
                             (ids.size() > 10 ? "more than 10" : std::to_string(ids.size())) +
                             " genotypes; give more characters:" + listing);

  GenotypeDetails details;
  details.id = ids.front();
  details.genotype = db.get_genotype(details.id);
  SqliteStatement mentions(db.connection(), R"sql(
SELECT x.run_id, u.kind, u.name, 'result' AS source, x.metric, x.split, x.value,
       NULL AS step, NULL AS idx, NULL AS epoch
FROM results x JOIN runs u ON u.id = x.run_id WHERE x.genotype_id = ?1
UNION ALL
SELECT s.run_id, u.kind, u.name, 'sample', 'reward', 'sample', s.reward, s.step, s.idx, s.epoch
FROM samples s JOIN runs u ON u.id = s.run_id WHERE s.genotype_id = ?1
ORDER BY 1, 4, 8, 9, 5, 6
)sql");
  mentions.bind(1, details.id);
  while (mentions.step()) {
    GenotypeMention m;
    m.run_id = mentions.column_int64(0);
    m.kind = parse_run_kind(mentions.column_text(1));
    m.run_name = mentions.column_text(2);
    m.source = mentions.column_text(3);
    m.metric = mentions.column_text(4);
    m.split = mentions.column_text(5);
    m.value = mentions.column_double(6);
    m.step = mentions.column_optional_int64(7);
    m.idx = mentions.column_optional_int64(8);
    m.epoch = mentions.column_optional_int64(9);
    details.mentions.push_back(std::move(m));
  }
  return details;
}

RewardCorrelation reward_correlation(const ResultsDb& db, std::int64_t run_id) {
  const RunRecord run = db.get_run(run_id);  // throws if there is none
  RewardCorrelation out;
  out.run_id = run_id;
  out.kind = run.info.kind;
  // The rewards CTE (genotype_id, value, n) of the run ?1; which table depends on its kind.
  std::string rewards;
  if (run.info.kind == RunKind::search) {
    out.reward_source = "mean sample reward of the genotype in the search run";
    rewards = "rewards AS (SELECT genotype_id, avg(reward) AS value, count(*) AS n FROM samples "
              "WHERE run_id = ?1 GROUP BY genotype_id)";
  } else if (run.info.kind == RunKind::derive) {
    // The shared-weights top-1 where the derive run recorded it (an OPs budget zeroes the
    // reward of genotypes outside it, which says nothing about how the supernet ranks them);
    // derive runs of older versions have the reward only.
    SqliteStatement has_top1(db.connection(),
                             "SELECT count(*) FROM results WHERE run_id = ?1 AND metric = 'top1' "
                             "AND split = 'derive'");
    has_top1.bind(1, run_id);
    const bool top1 = has_top1.step() && has_top1.column_int64(0) > 0;
    out.reward_source = top1 ? "derive top1 of the genotype (shared weights, whole derive split)"
                             : "derive reward of the genotype (shared weights, whole derive split)";
    rewards = std::string("rewards AS (SELECT genotype_id, avg(value) AS value, count(*) AS n ") +
              "FROM results WHERE run_id = ?1 AND metric = '" + (top1 ? "top1" : "reward") +
              "' AND split = 'derive' AND genotype_id IS NOT NULL GROUP BY genotype_id)";
  } else {
    throw std::runtime_error("run " + std::to_string(run_id) + " is a " + to_string(run.info.kind) +
                             " run; correlation needs a search or derive run (its rewards)");
  }
  SqliteStatement query(db.connection(),
                        "WITH " + rewards + ",\n" + std::string(kRetrainedCte) + R"sql(
SELECT g.hash, g.canonical, w.value, w.n, t.top1, t.n, t.test_top1
FROM rewards w JOIN retrained t ON t.genotype_id = w.genotype_id
JOIN genotypes g ON g.id = w.genotype_id
ORDER BY w.value DESC, g.hash
)sql");
  query.bind(1, run_id);
  std::vector<double> rewards_of_pairs;
  std::vector<double> retrained_of_pairs;
  while (query.step()) {
    CorrelationPair p;
    p.hash = query.column_text(0);
    p.canonical = query.column_text(1);
    p.reward = query.column_double(2);
    p.rewards = query.column_int64(3);
    p.retrained_top1 = query.column_double(4);
    p.retrains = query.column_int64(5);
    p.retrained_test_top1 = query.column_optional_double(6);
    rewards_of_pairs.push_back(p.reward);
    retrained_of_pairs.push_back(p.retrained_top1);
    out.pairs.push_back(std::move(p));
  }
  out.tau = kendall_tau_b(rewards_of_pairs, retrained_of_pairs);
  return out;
}

std::vector<RetrainedSummary> retrained_summaries(const ResultsDb& db, const RetrainedQuery& q) {
  if (q.from_run) db.get_run(*q.from_run);  // throws if there is none
  SqliteStatement query(db.connection(), R"sql(
SELECT g.hash, g.canonical, u.name, v.value, t.value, g.fp_params + g.binary_params, g.ops,
       (SELECT sum(wall_s) FROM epoch_metrics WHERE run_id = u.id)
FROM runs u
JOIN results v ON v.run_id = u.id AND v.metric = 'top1' AND v.split = 'valid'
JOIN results t ON t.run_id = u.id AND t.metric = 'top1' AND t.split = 'test'
               AND t.genotype_id = v.genotype_id
JOIN genotypes g ON g.id = v.genotype_id
WHERE u.kind = 'train' AND u.status = 'finished'
  AND (?1 IS NULL OR g.id IN (SELECT genotype_id FROM results WHERE run_id = ?1
                              UNION SELECT genotype_id FROM samples WHERE run_id = ?1))
  AND (?2 IS NULL OR instr(u.name, ?2) > 0)
ORDER BY g.hash, u.id
)sql");
  query.bind(1, q.from_run).bind(2, q.name_contains);
  struct Runs {
    RetrainedSummary s;
    std::vector<double> valid, test, wall;
    std::vector<std::string> names;
  };
  std::map<std::string, Runs> by_hash;
  while (query.step()) {
    Runs& r = by_hash[query.column_text(0)];
    r.s.hash = query.column_text(0);
    r.s.canonical = query.column_text(1);
    const std::string name = query.column_text(2);
    if (std::find(r.names.begin(), r.names.end(), name) == r.names.end()) r.names.push_back(name);
    r.valid.push_back(query.column_double(3));
    r.test.push_back(query.column_double(4));
    r.s.params = query.column_optional_int64(5);
    r.s.ops = query.column_optional_double(6);
    r.wall.push_back(query.column_optional_double(7).value_or(0.0));
  }
  const auto mean = [](const std::vector<double>& x) {
    double sum = 0.0;
    for (double v : x) sum += v;
    return sum / static_cast<double>(x.size());
  };
  const auto sd = [&](const std::vector<double>& x) {
    if (x.size() < 2) return 0.0;
    const double m = mean(x);
    double squares = 0.0;
    for (double v : x) squares += (v - m) * (v - m);
    return std::sqrt(squares / static_cast<double>(x.size() - 1));
  };
  std::vector<RetrainedSummary> out;
  for (auto& [hash, r] : by_hash) {
    r.s.runs = static_cast<std::int64_t>(r.valid.size());
    r.s.valid_mean = mean(r.valid);
    r.s.valid_sd = sd(r.valid);
    r.s.test_mean = mean(r.test);
    r.s.test_sd = sd(r.test);
    r.s.wall_s_mean = mean(r.wall);
    for (const std::string& n : r.names) r.s.names += (r.s.names.empty() ? "" : ", ") + n;
    out.push_back(r.s);
  }
  std::stable_sort(out.begin(), out.end(), [](const RetrainedSummary& a, const RetrainedSummary& b) {
    return a.valid_mean > b.valid_mean;
  });
  return out;
}

}  // namespace bitnas

// `bitnas query --db FILE (runs | top | genotype HASH | history RUN | compare RUN... |
// correlation RUN)`: reads the results database (read-only) and prints rows as a table, CSV or
// JSON. The questions are storage/results_queries.hpp; this file only turns their rows into
// Tables (nas/table_output.hpp).
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nas/commands.hpp"
#include "nas/table_output.hpp"
#include "storage/results_db.hpp"
#include "storage/results_queries.hpp"

namespace bitnas::cli {

namespace {

struct QueryOptions {
  std::string db;
  std::string format = "table";
  // top
  std::optional<std::int64_t> top_run;
  std::string by = "reward";
  std::optional<double> max_ops;
  std::int64_t top_limit = 10;
  // history
  std::int64_t history_run = 0;
  std::int64_t history_limit = 0;
  // genotype, compare, correlation
  std::string hash;
  std::vector<std::int64_t> compare_runs;
  std::int64_t correlation_run = 0;
  // retrained
  std::optional<std::int64_t> retrained_from;
  std::optional<std::string> retrained_name;
};

ResultsDb open_db(const QueryOptions& o) {
  if (o.db.empty()) throw std::runtime_error("query: --db FILE is required");
  return ResultsDb::open(o.db, Access::read_only);
}

// 0 means no limit.
std::optional<std::int64_t> limit_of(std::int64_t limit) {
  return limit > 0 ? std::optional<std::int64_t>(limit) : std::nullopt;
}

Cell text(std::string s) { return Cell(std::move(s)); }

void query_runs(const QueryOptions& o) {
  const ResultsDb db = open_db(o);
  Table t;
  t.columns = {{"id", CellStyle::integer},      {"kind"},
               {"name"},                         {"status"},
               {"started_at"},                   {"finished_at"},
               {"epochs", CellStyle::integer},   {"best", CellStyle::fraction},
               {"best_metric"}};
  for (const RunOverview& r : list_run_overviews(db))
    t.add_row({r.id, text(to_string(r.kind)), text(r.name), text(to_string(r.status)),
               text(r.started_at), optional_cell(r.finished_at), r.epochs,
               optional_cell(best_result(r)), text(best_result_label(r.kind))});
  write_table(std::cout, t, parse_output_format(o.format));
}

void query_history(const QueryOptions& o) {
  const ResultsDb db = open_db(o);
  Table t;
  t.columns = {{"step", CellStyle::integer},   {"idx", CellStyle::integer},
               {"epoch", CellStyle::integer},  {"hash"},
               {"reward", CellStyle::fraction}, {"loss", CellStyle::fraction},
               {"accuracy", CellStyle::fraction}, {"genotype"}};
  for (const HistoryRow& h : search_history(db, o.history_run, limit_of(o.history_limit)))
    t.add_row({h.step, h.idx, h.epoch, text(h.hash), h.reward, optional_cell(h.loss),
               optional_cell(h.accuracy), text(h.canonical)});
  write_table(std::cout, t, parse_output_format(o.format));
}

void query_top(const QueryOptions& o) {
  const ResultsDb db = open_db(o);
  TopQuery q;
  q.run_id = o.top_run;
  q.by = o.by == "retrained" ? RankBy::retrained : RankBy::reward;
  q.max_ops = o.max_ops;
  q.limit = limit_of(o.top_limit);
  Table t;
  t.columns = {{"rank", CellStyle::integer},
               {"hash"},
               {"reward", CellStyle::fraction},
               {"reward_run", CellStyle::integer},
               {"retrained_top1", CellStyle::fraction},
               {"retrained_test", CellStyle::fraction},
               {"retrains", CellStyle::integer},
               {"params", CellStyle::count},
               {"ops", CellStyle::count},
               {"bytes", CellStyle::count},
               {"genotype"}};
  for (const RankedGenotype& g : top_genotypes(db, q))
    t.add_row({g.rank, text(g.hash), optional_cell(g.reward), optional_cell(g.reward_run),
               optional_cell(g.retrained_top1), optional_cell(g.retrained_test_top1), g.retrains,
               optional_cell(g.params),
               optional_cell(g.ops), optional_cell(g.bytes), text(g.canonical)});
  write_table(std::cout, t, parse_output_format(o.format));
}

void query_genotype(const QueryOptions& o) {
  const ResultsDb db = open_db(o);
  const GenotypeDetails d = genotype_details(db, o.hash);
  const GenotypeRecord& g = d.genotype;
  std::optional<std::int64_t> params;
  if (g.fp_params && g.binary_params) params = *g.fp_params + *g.binary_params;
  Table summary;
  summary.columns = {{"hash"},
                     {"genotype"},
                     {"num_init_nodes", CellStyle::integer},
                     {"fp_params", CellStyle::count},
                     {"binary_params", CellStyle::count},
                     {"params", CellStyle::count},
                     {"flops", CellStyle::count},
                     {"bops", CellStyle::count},
                     {"ops", CellStyle::count},
                     {"bytes", CellStyle::count}};
  summary.add_row({text(g.hash), text(g.canonical), std::int64_t{g.num_init_nodes},
                   optional_cell(g.fp_params), optional_cell(g.binary_params),
                   optional_cell(params), optional_cell(g.flops), optional_cell(g.bops),
                   optional_cell(g.ops), optional_cell(g.bytes)});
  Table rows;
  rows.columns = {{"run", CellStyle::integer}, {"kind"},  {"name"},
                  {"source"},                  {"metric"}, {"split"},
                  {"value", CellStyle::real},    {"step", CellStyle::integer},
                  {"idx", CellStyle::integer},    {"epoch", CellStyle::integer}};
  for (const GenotypeMention& m : d.mentions)
    rows.add_row({m.run_id, text(to_string(m.kind)), text(m.run_name), text(m.source),
                  text(m.metric), text(m.split), m.value, optional_cell(m.step),
                  optional_cell(m.idx), optional_cell(m.epoch)});
  write_report(std::cout, summary, "mentions", rows, parse_output_format(o.format));
}

void query_compare(const QueryOptions& o) {
  const ResultsDb db = open_db(o);
  Table t;
  t.columns = {{"run", CellStyle::integer},
               {"kind"},
               {"name"},
               {"status"},
               {"genotype"},
               {"best_reward", CellStyle::fraction},
               {"best_epoch_valid", CellStyle::fraction},
               {"final_top1", CellStyle::fraction},
               {"epochs", CellStyle::integer},
               {"wall_s", CellStyle::seconds},
               {"elapsed_s", CellStyle::seconds}};
  for (const RunOverview& r : run_overviews(db, o.compare_runs))
    t.add_row({r.id, text(to_string(r.kind)), text(r.name), text(to_string(r.status)),
               optional_cell(r.best_genotype), optional_cell(r.best_reward),
               optional_cell(r.best_epoch_valid), optional_cell(r.final_top1), r.epochs,
               optional_cell(r.wall_s), optional_cell(r.elapsed_s)});
  write_table(std::cout, t, parse_output_format(o.format));
}

// Why tau is missing, in words; empty when it is there.
std::optional<std::string> correlation_note(const RewardCorrelation& c) {
  if (c.tau.tau_b) return std::nullopt;
  if (c.pairs.size() < 2)
    return std::string(c.pairs.empty() ? "no genotype" : "only 1 genotype") + " of run " +
           std::to_string(c.run_id) +
           " has both a reward and a retrained test top1; Kendall tau needs at least 2 (retrain "
           "more of the run's genotypes with bitnas train)";
  return "every reward or every retrained top1 is the same; Kendall tau-b is undefined for a "
         "constant ranking";
}

void query_correlation(const QueryOptions& o) {
  const ResultsDb db = open_db(o);
  const RewardCorrelation c = reward_correlation(db, o.correlation_run);
  Table summary;
  summary.columns = {{"run", CellStyle::integer},
                     {"kind"},
                     {"reward"},
                     {"retrained"},
                     {"n", CellStyle::integer},
                     {"tau_b", CellStyle::fraction},
                     {"concordant", CellStyle::integer},
                     {"discordant", CellStyle::integer},
                     {"tied_reward", CellStyle::integer},
                     {"tied_retrained", CellStyle::integer},
                     {"note"}};
  summary.add_row({c.run_id, text(to_string(c.kind)), text(c.reward_source),
                   text("mean validation top1 over every train run of the genotype"), c.tau.n,
                   optional_cell(c.tau.tau_b), c.tau.concordant, c.tau.discordant, c.tau.tied_x,
                   c.tau.tied_y, optional_cell(correlation_note(c))});
  Table rows;
  rows.columns = {{"hash"},
                  {"reward", CellStyle::fraction},
                  {"rewards", CellStyle::integer},
                  {"retrained_top1", CellStyle::fraction},
                  {"retrained_test", CellStyle::fraction},
                  {"retrains", CellStyle::integer},
                  {"genotype"}};
  for (const CorrelationPair& p : c.pairs)
    rows.add_row({text(p.hash), p.reward, p.rewards, p.retrained_top1,
                  optional_cell(p.retrained_test_top1), p.retrains, text(p.canonical)});
  write_report(std::cout, summary, "pairs", rows, parse_output_format(o.format));
}

void query_retrained(const QueryOptions& o) {
  const ResultsDb db = open_db(o);
  Table t;
  t.columns = {{"hash"},
               {"runs", CellStyle::integer},
               {"valid_top1", CellStyle::fraction},
               {"valid_sd", CellStyle::fraction},
               {"test_top1", CellStyle::fraction},
               {"test_sd", CellStyle::fraction},
               {"params", CellStyle::count},
               {"ops", CellStyle::count},
               {"train_s", CellStyle::seconds},
               {"runs_named"},
               {"genotype"}};
  for (const RetrainedSummary& r :
       retrained_summaries(db, RetrainedQuery{o.retrained_from, o.retrained_name}))
    t.add_row({text(r.hash), r.runs, r.valid_mean, r.valid_sd, r.test_mean, r.test_sd,
               optional_cell(r.params), optional_cell(r.ops), r.wall_s_mean, text(r.names),
               text(r.canonical)});
  write_table(std::cout, t, parse_output_format(o.format));
}

constexpr const char* kQueryFooter =
    "--db FILE and --format table|csv|json (options of `bitnas query`) may come before or "
    "after the subcommand. Accuracies and rewards are fractions (0.8734 = 87.34%). Missing "
    "values are '-' in the table, empty in CSV and null in JSON. The retrained top1 of a "
    "genotype is the mean validation top1 over every train run that trained it (retrains says "
    "how many): rankings use validation; retrained_test, the mean test top1, is shown beside "
    "it and never ranked on. Tables are described "
    "in docs/DATABASE.md.";

}  // namespace

void register_query_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "query",
      "read the results database (read-only): runs, best genotypes, one genotype, a search's "
      "samples, runs side by side, supernet-vs-retrained rank correlation");
  cmd->require_subcommand(1);
  cmd->footer(kQueryFooter);
  auto o = std::make_shared<QueryOptions>();
  cmd->add_option("--db", o->db, "results database file (opened read-only; must exist)")
      ->required();
  cmd->add_option("--format", o->format,
                  "table: aligned text; csv: RFC 4180 with a header row (CRLF line ends); json: "
                  "an array of objects (genotype and correlation: one object with the summary "
                  "fields and the rows array); markdown: a pipe table for generated reports")
      ->check(CLI::IsMember({"table", "csv", "json", "markdown"}))
      ->capture_default_str();

  // Options of `query` (--db, --format) may also follow the subcommand.
  auto subcommand = [&](const char* name, const char* description, const char* footer) {
    auto* sub = cmd->add_subcommand(name, description);
    sub->fallthrough();
    sub->footer(std::string(footer) + "\n\n" + kQueryFooter);
    return sub;
  };

  auto* retrained = subcommand(
      "retrained", "finished train runs grouped by genotype: mean and spread over seeds",
      "One row per genotype that finished train runs retrained, best mean validation top1 "
      "first. Columns: hash, runs (seeds), valid_top1 and valid_sd (mean and sample standard "
      "deviation of the validation top1), test_top1 and test_sd (the same for the test top1, "
      "which each run reads once, at its end), params, ops, train_s (mean training time of a "
      "run), runs_named (the runs' names), genotype.");
  retrained->add_option("--from", o->retrained_from,
                        "only genotypes this run mentions (a derive run's ranking, a search's "
                        "samples)");
  retrained->add_option("--name", o->retrained_name, "only train runs whose name contains TEXT");
  retrained->callback([o] { query_retrained(*o); });

  auto* runs = subcommand(
      "runs", "every run with its epochs and best result",
      "Columns: id, kind (train, search, derive, eval), name, status (running, finished, "
      "failed, interrupted), started_at and finished_at (ISO-8601 UTC), epochs (epochs "
      "recorded), best and best_metric: a search's best sample reward (reward/sample), a "
      "derive run's best derive reward (reward/derive), a train or eval run's test top1, read "
      "once at its end and never used to select anything (top1/test).");
  runs->callback([o] { query_runs(*o); });

  auto* top = subcommand(
      "top", "genotypes ranked by supernet reward or by retrained accuracy",
      "Ranks the genotypes that RUN (or every run) mentions. --by reward: by the best reward "
      "in RUN (a search's sample rewards, a derive run's derive rewards; with no RUN, over all "
      "runs); --by retrained: by retrained test top1. Genotypes without that number are left "
      "out.\nColumns: rank, hash, reward (best reward), reward_run (the run that gave it), "
      "retrained_top1 (mean validation top1 over train runs, '-' if never retrained), retrains, "
      "params (fp + binary), ops (FLOPs + BOPs/64), bytes (binary/8 + fp*4), genotype "
      "(canonical).");
  top->add_option("RUN", o->top_run, "run id (default: all runs)");
  top->add_option("--by", o->by, "reward or retrained")
      ->check(CLI::IsMember({"reward", "retrained"}))
      ->capture_default_str();
  top->add_option("--max-ops", o->max_ops,
                  "keep genotypes with ops <= X (genotypes whose ops were never counted are "
                  "left out)")
      ->check(CLI::NonNegativeNumber);
  top->add_option("--limit", o->top_limit, "at most N rows; 0 for all")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  top->callback([o] { query_top(*o); });

  auto* genotype = subcommand(
      "genotype", "one genotype: canonical form, costs and every row that mentions it",
      "HASH is the genotype hash or a prefix of at least 6 characters that only one genotype "
      "has (an ambiguous prefix is an error listing the matches).\nSummary: hash, genotype "
      "(canonical), num_init_nodes, fp_params, binary_params, params, flops, bops, ops, bytes "
      "('-' when not counted).\nRows (mentions): run, kind, name (of the run), source (result: "
      "a row of results; sample: a search sample), metric, split, value, and for samples step, "
      "idx and epoch (metric reward, split sample).");
  genotype->add_option("HASH", o->hash, "genotype hash or unique prefix (>= 6 characters)")
      ->required();
  genotype->callback([o] { query_genotype(*o); });

  auto* history = subcommand(
      "history", "every genotype a search run sampled, in order",
      "Columns: step (controller step), idx (position in the step), epoch (search epoch), "
      "hash, reward (what the controller learned from: shared-weights top1 on a controller "
      "batch, or the objective with a cost penalty), loss and accuracy (on that batch, '-' if "
      "not measured), genotype (canonical).");
  history->add_option("RUN", o->history_run, "search run id")->required();
  history->add_option("--limit", o->history_limit, "the first N samples; 0 for all")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  history->callback([o] { query_history(*o); });

  auto* compare = subcommand(
      "compare", "runs side by side (e.g. a derive run, its retrains and baseline retrains)",
      "One row per RUN, in the order given. Columns: run, kind, name, status, genotype (hash "
      "of the run's best: a search's best sample, a derive run's best derived genotype, a "
      "train run's trained genotype), best_reward (search: best sample reward; derive: best "
      "derive reward), best_epoch_valid (best validation top1 over the epochs), final_top1 (the run's "
      "final test top1 result), epochs, wall_s (sum of the epochs' wall time), elapsed_s "
      "(finished - started, including evaluation and pauses; '-' while running).");
  compare->add_option("RUN", o->compare_runs, "run ids")->required();
  compare->callback([o] { query_compare(*o); });

  auto* correlation = subcommand(
      "correlation",
      "Kendall tau-b between a search or derive run's rewards and retrained accuracy",
      "Pairs every genotype of RUN that also has a retrained test top1 (any train run). The "
      "reward of a genotype: for a search run, the mean of its sample rewards in RUN; for a "
      "derive run, its derive reward (shared weights on the whole derive split). Kendall "
      "tau-b handles ties: 1 = the supernet ranks them as retraining does, -1 = reversed, "
      "0 = unrelated. With fewer than 2 pairs tau is '-' and note says why (exit code 0).\n"
      "Summary: run, kind, reward (which reward), retrained, n (pairs), tau_b, concordant, "
      "discordant, tied_reward and tied_retrained (pairs of genotypes), note.\nRows (pairs): "
      "hash, reward, rewards (how many were averaged), retrained_top1, retrains, genotype.");
  correlation->add_option("RUN", o->correlation_run, "search or derive run id")->required();
  correlation->callback([o] { query_correlation(*o); });
}

}  // namespace bitnas::cli

// `bitnas report --db FILE [RUN...] -o report.html`: one self-contained HTML page about search
// runs (nas/report/): reward over time, the sampled genotypes' reward vs OPs with the Pareto
// front, the best cells drawn, the top-k table and the retrained results beside the baselines.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "nas/commands.hpp"
#include "nas/report/report_content.hpp"
#include "nas/report/report_page.hpp"
#include "storage/atomic_file.hpp"
#include "storage/results_db.hpp"

namespace bitnas::cli {

namespace {

struct ReportOptions {
  std::string db;
  std::string output;
  std::vector<std::int64_t> runs;
  std::size_t top_k = 10;
  std::size_t drawn = 3;
};

void run_report(const ReportOptions& o) {
  const ResultsDb db = ResultsDb::open(o.db, Access::read_only);
  const ReportContent content = collect_report(db, ReportRequest{o.runs, o.top_k, o.drawn});
  const std::string html = report_html(content);
  AtomicFileWriter file(o.output);  // a half-written page never replaces a previous one
  file.write(html.data(), html.size());
  file.commit();
  std::cerr << "report: " << content.runs.size() << " search runs written to " << o.output << "\n";
}

}  // namespace

void register_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "report",
      "write one self-contained HTML page (no network needed to view it) about search runs of "
      "a results database: reward per epoch (or per controller step), the sampled genotypes as "
      "best reward vs OPs with the Pareto front marked, the best cells drawn with Graphviz "
      "(when 'dot' is on PATH; the page says so otherwise), the top-k table by reward, and the "
      "retrained results (validation and test top-1 mean and sd over seeds, params, OPs) beside "
      "the baselines (train runs whose name mentions 'baseline' or a built-in baseline)");
  auto o = std::make_shared<ReportOptions>();
  cmd->add_option("--db", o->db, "the results database (opened read-only)")->required();
  cmd->add_option("RUN", o->runs, "search run ids to report (default: every search run)");
  cmd->add_option("-o,--output", o->output, "the HTML file to write")->required();
  cmd->add_option("--top", o->top_k, "rows of each run's top-k table")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--draw", o->drawn, "best genotypes drawn per run")->capture_default_str();
  cmd->callback([o] { run_report(*o); });
}

}  // namespace bitnas::cli

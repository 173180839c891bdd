// `bitnas report`: the page built from a small database (two search runs, retrains, a
// baseline, a run name with markup in it), its charts, Pareto front, tables and escaping; the
// command's refusals; and, where Debian's chromium is installed, the page in a real headless
// browser.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "evaluators/pareto_front.hpp"
#include "nas/commands.hpp"
#include "nas/report/html_text.hpp"
#include "nas/report/report_content.hpp"
#include "nas/report/report_page.hpp"
#include "storage/results_db.hpp"
#include "storage/search_reward_curve.hpp"
#include "tests/support/data_files.hpp"
#include "tests/support/error_text.hpp"
#include "tests/support/result_rows.hpp"

namespace bitnas {
namespace {

using testing::contains;
using testing::error_of;
using testing::genotype;
using testing::retrain;
using testing::run_info;
using testing::sample;
using testing::TempDir;
using cli::ReportRequest;

constexpr const char* kHostileName = "spos <script>alert(\"x\")</script> & co";
constexpr const char* kEscapedName =
    "spos &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co";

// Genotypes of the default search space (drawable), differing in one op.
std::string cell_genotype(const char* first_op) {
  return std::string("CNNGenotype(normal_0=[('") + first_op +
         "', 0, 2), ('skip_connect', 1, 2), ('bconv_3x3', 0, 3), ('bconv_5x5', 1, 3), "
         "('skip_connect', 2, 4), ('max_pool_3x3', 0, 4), ('dil_bconv_3x3', 3, 5), "
         "('bconv_1x1', 2, 5)], reduce_1=[('bconv_3x3', 0, 2), ('max_pool_3x3', 1, 2), "
         "('bconv_3x3', 0, 3), ('avg_pool_3x3', 1, 3), ('skip_connect', 2, 4), "
         "('bconv_5x5', 0, 4), ('bconv_1x1', 1, 5), ('max_pool_3x3', 0, 5)], "
         "normal_0_concat=[2, 3, 4, 5], reduce_1_concat=[4, 5])";
}

// Best rewards and OPs: G1 0.75 at 2000, G2 0.625 at 3000 (beaten by G1), G3 0.375 at 1500,
// G4 0.875 at 2500, G5 0.5 with no OPs counted. The front is G3, G1, G4.
constexpr const char* kG1 = "1111000000000001";
constexpr const char* kG2 = "2222000000000002";
constexpr const char* kG3 = "3333000000000003";
constexpr const char* kG4 = "4444000000000004";
constexpr const char* kG5 = "5555000000000005";
constexpr const char* kBase = "bbbb00000000000b";

struct Ids {
  std::int64_t search = 0, tiny_search = 0, train = 0;
};

Ids build_db(const std::string& path) {
  ResultsDb db = ResultsDb::open(path, Access::read_write);
  const std::string c1 = cell_genotype("bconv_3x3"), c2 = cell_genotype("bconv_5x5"),
                    c3 = cell_genotype("max_pool_3x3"), c4 = cell_genotype("avg_pool_3x3"),
                    c5 = cell_genotype("skip_connect");
  const std::int64_t g1 = db.upsert_genotype(genotype(kG1, c1.c_str(), 2000.0));
  const std::int64_t g2 = db.upsert_genotype(genotype(kG2, c2.c_str(), 3000.0));
  const std::int64_t g3 = db.upsert_genotype(genotype(kG3, c3.c_str(), 1500.0));
  const std::int64_t g4 = db.upsert_genotype(genotype(kG4, c4.c_str(), 2500.0));
  const std::int64_t g5 = db.upsert_genotype(genotype(kG5, c5.c_str(), std::nullopt));
  const std::int64_t base = db.upsert_genotype(genotype(kBase, "resnete18", 90000.0));
  Ids ids;

  ids.search = db.begin_run(run_info(RunKind::search, kHostileName));
  db.record_sample(ids.search, sample(0, 0, 0, g1, 0.5, 1.0));
  db.record_sample(ids.search, sample(0, 1, 0, g2, 0.625, 1.0));
  db.record_sample(ids.search, sample(1, 0, 1, g3, 0.375, 1.0));
  db.record_sample(ids.search, sample(1, 1, 1, g1, 0.75, 1.0));
  db.record_sample(ids.search, sample(2, 0, 1, g4, 0.875, 1.0));
  db.record_sample(ids.search, sample(2, 1, 1, g5, 0.5, 1.0));
  SearchEpochMetrics e0, e1;
  e0.epoch = 0, e0.mean_reward = 0.5625, e0.best_reward = 0.625;
  e1.epoch = 1, e1.mean_reward = 0.625, e1.best_reward = 0.875;
  db.record_search_epoch(ids.search, e0);
  db.record_search_epoch(ids.search, e1);
  db.finish_run(ids.search, RunStatus::finished);

  // No per-epoch rewards: its curve comes from the samples, per controller step.
  ids.tiny_search = db.begin_run(run_info(RunKind::search, "tiny search"));
  db.record_sample(ids.tiny_search, sample(0, 0, 0, g1, 0.25, 2.0));
  db.record_sample(ids.tiny_search, sample(0, 1, 0, g2, 0.5, 2.0));
  db.record_sample(ids.tiny_search, sample(1, 0, 0, g3, 0.75, 2.0));
  db.finish_run(ids.tiny_search, RunStatus::finished);

  ids.train = retrain(db, "retrain G1", g1, 0.8125);
  retrain(db, "retrain G1 seed 2", g1, 0.875);
  retrain(db, "retrain G4", g4, 0.75);
  retrain(db, "campaign:baseline-resnete18", base, 0.90625);
  return ids;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The part of the page about one run: from its heading to the next section's end.
std::string run_part(const std::string& html, std::int64_t run_id) {
  const std::size_t start = html.find("<h2 id=\"run-" + std::to_string(run_id) + "\"");
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</section>", start) - start);
}

// The <circle> element whose tooltip names `hash`, or "".
std::string circle_of(const std::string& html, const std::string& hash) {
  const std::size_t title = html.find("<title>" + hash + ":");
  if (title == std::string::npos) return "";
  const std::size_t open = html.rfind("<circle", title);
  return html.substr(open, title - open);
}

// Runs with PATH set to `path` for its lifetime (the Graphviz lookup follows PATH).
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& path) : old_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    ::setenv("PATH", path.c_str(), 1);
  }
  ~ScopedPath() { ::setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

bool on_path(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

class ReportTest : public ::testing::Test {
 protected:
  ReportTest() : ids(build_db(dir.file("results.db"))) {}
  ResultsDb open() const { return ResultsDb::open(dir.file("results.db"), Access::read_only); }
  std::string page(ReportRequest request = {}) const { return cli::report_html(cli::collect_report(open(), request)); }

  TempDir dir;
  Ids ids;
};

TEST(ReportParetoFront, HigherRewardAndFewerOpsWin) {
  const std::vector<RewardAndCost> points = {
      {0.75, 2000}, {0.625, 3000}, {0.375, 1500}, {0.875, 2500}, {0.75, 2000}, {0.375, 1600}};
  // The repeated point is on the front with its twin; (0.375, 1600) is beaten by (0.375, 1500).
  EXPECT_EQ(pareto_front(points), (std::vector<bool>{true, false, true, true, true, false}));
  EXPECT_TRUE(pareto_front({}).empty());
}

TEST(ReportHtmlText, EscapesMarkupAndQuotes) {
  EXPECT_EQ(cli::html_escape("<a href='x'>\"&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
}

TEST_F(ReportTest, RewardCurvePerEpochElsePerControllerStep) {
  const ResultsDb db = open();
  const RewardCurve epochs = search_reward_curve(db, ids.search);
  EXPECT_EQ(epochs.axis, "epoch");
  ASSERT_EQ(epochs.points.size(), 2u);
  EXPECT_EQ(epochs.points[1].at, 1);
  EXPECT_EQ(epochs.points[1].mean, 0.625);
  EXPECT_EQ(epochs.points[1].best, 0.875);

  const RewardCurve steps = search_reward_curve(db, ids.tiny_search);
  EXPECT_EQ(steps.axis, "controller step");
  ASSERT_EQ(steps.points.size(), 2u);
  EXPECT_EQ(steps.points[0].mean, 0.375);
  EXPECT_EQ(steps.points[0].best, 0.5);
  EXPECT_EQ(steps.points[1].best, 0.75);

  EXPECT_TRUE(contains(error_of([&] { search_reward_curve(db, ids.train); }), "is a train run"));
}

TEST_F(ReportTest, EverySearchRunWithBothCharts) {
  const std::string html = page();
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(occurrences(html, "<svg class=\"chart\""), 4u);
  EXPECT_EQ(occurrences(html, "data-chart=\"reward\""), 2u);
  EXPECT_EQ(occurrences(html, "data-chart=\"population\""), 2u);
  const std::string first = run_part(html, ids.search), tiny = run_part(html, ids.tiny_search);
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(tiny.empty());
  EXPECT_TRUE(contains(first, "Reward per epoch"));
  EXPECT_TRUE(contains(tiny, "Reward per controller step"));
  // Mean and best reward lines, one point per epoch each.
  EXPECT_EQ(occurrences(first, "<polyline class=\"series mean\""), 1u);
  EXPECT_EQ(occurrences(first, "<polyline class=\"series best\""), 1u);
  EXPECT_EQ(occurrences(first, "<circle class=\"series-point"), 4u);
  // Epochs 0 and 1 on the x axis: ticks on whole epochs only (x tick labels are centred).
  EXPECT_TRUE(contains(first, "text-anchor=\"middle\">1</text>"));
  EXPECT_FALSE(contains(first, "text-anchor=\"middle\">0.2</text>"));
}

TEST_F(ReportTest, ScatterMarksTheParetoFront) {
  const std::string first = run_part(page(), ids.search);
  EXPECT_EQ(occurrences(first, "<circle class=\"front-point\""), 3u);
  EXPECT_EQ(occurrences(first, "<circle class=\"sample-point\""), 1u);
  for (const char* hash : {kG1, kG3, kG4})
    EXPECT_TRUE(contains(circle_of(first, hash), "front-point")) << hash;
  EXPECT_TRUE(contains(circle_of(first, kG2), "sample-point"));
  EXPECT_EQ(circle_of(first, kG5), "");  // no OPs: not plotted, and said so
  EXPECT_TRUE(contains(first, "Genotypes without counted OPs, not plotted: 1."));
  EXPECT_EQ(occurrences(first, "<polyline class=\"front-line\""), 1u);
}

TEST_F(ReportTest, TopTableByRewardWithTheFrontColumn) {
  const std::string first = run_part(page(), ids.search);
  EXPECT_EQ(occurrences(first, "<tr class=\"top-row\">"), 5u);
  // Best reward first: G4, G1, G2, G5 (0.5), G3.
  const std::size_t g4 = first.find("<td>" + std::string(kG4) + "</td>"),
                    g1 = first.find("<td>" + std::string(kG1) + "</td>"),
                    g3 = first.find("<td>" + std::string(kG3) + "</td>");
  ASSERT_NE(g4, std::string::npos);
  EXPECT_LT(g4, g1);
  EXPECT_LT(g1, g3);
  EXPECT_TRUE(contains(first, "<td class=\"number\">0.8750</td>"));

  ReportRequest two;
  two.top_k = 2;
  EXPECT_EQ(occurrences(run_part(page(two), ids.search), "<tr class=\"top-row\">"), 2u);
}

TEST_F(ReportTest, RetrainedBesideTheBaselines) {
  const std::string first = run_part(page(), ids.search);
  EXPECT_EQ(occurrences(first, "<tr class=\"searched\">"), 2u);  // G1 (2 seeds) and G4
  EXPECT_EQ(occurrences(first, "<tr class=\"baseline\">"), 1u);
  // G1: validation 0.84375 and 0.90625, sample sd 0.0442.
  EXPECT_TRUE(contains(first, "0.8750 \xC2\xB1 0.0442")) << first;
  EXPECT_TRUE(contains(first, "campaign:baseline-resnete18"));
  EXPECT_TRUE(contains(first, "0.9375"));  // the baseline's validation top-1
}

TEST_F(ReportTest, DatabaseTextIsEscapedAndNothingIsFetched) {
  const std::string html = page();
  EXPECT_TRUE(contains(html, kEscapedName));
  EXPECT_FALSE(contains(html, "<script>alert"));
  EXPECT_EQ(occurrences(html, "<script"), 1u);  // the page's own check
  EXPECT_FALSE(contains(html, "http://"));
  EXPECT_FALSE(contains(html, "https://"));
  EXPECT_FALSE(contains(html, "<link"));
  EXPECT_FALSE(contains(html, " src="));
  EXPECT_FALSE(contains(html, "url("));
}

TEST_F(ReportTest, CellsSayWhenGraphvizIsAbsent) {
  const std::string html = [&] {
    const ScopedPath no_programs(dir.path());  // an empty directory: no 'dot' on it
    return page();
  }();
  EXPECT_EQ(occurrences(html, "<figure class=\"cell\">"), 3u + 3u);
  EXPECT_EQ(occurrences(html, "&#39;dot&#39; is not on PATH"), 6u) << html;
}

TEST_F(ReportTest, CellsDrawnInlineWithGraphviz) {
  if (!on_path("dot")) GTEST_SKIP() << "Graphviz's dot is not on PATH (apt-get install graphviz)";
  ReportRequest one;
  one.run_ids = {ids.search};
  one.drawn = 2;
  const std::string html = page(one);
  EXPECT_EQ(occurrences(html, "<figure class=\"cell\">"), 2u);
  EXPECT_EQ(occurrences(html, "cell-missing"), 0u) << html;
  // Graphviz's SVG inline: no XML prolog, no DOCTYPE, no namespace URLs.
  EXPECT_EQ(occurrences(html, "<svg"), 2u + 2u);
  EXPECT_FALSE(contains(html, "<?xml"));
  EXPECT_FALSE(contains(html, "<!DOCTYPE svg"));
  EXPECT_TRUE(contains(html, "bconv_5x5"));  // an edge label of the drawn cells
}

TEST_F(ReportTest, RunsInTheOrderGivenAndRefusals) {
  const ResultsDb db = open();
  ReportRequest both;
  both.run_ids = {ids.tiny_search, ids.search};
  const cli::ReportContent content = cli::collect_report(db, both);
  ASSERT_EQ(content.runs.size(), 2u);
  EXPECT_EQ(content.runs[0].run.id, ids.tiny_search);

  ReportRequest unknown;
  unknown.run_ids = {99};
  EXPECT_TRUE(contains(error_of([&] { cli::collect_report(db, unknown); }), "no run 99"));
  ReportRequest train;
  train.run_ids = {ids.train};
  const std::string message = error_of([&] { cli::collect_report(db, train); });
  EXPECT_TRUE(contains(message, "run " + std::to_string(ids.train) + " ('retrain G1') is a train run"))
      << message;
}

TEST(ReportRefusals, EmptyDatabaseAndNoSearchRun) {
  TempDir dir;
  const std::string path = dir.file("empty.db");
  ResultsDb::open(path, Access::read_write);
  const std::string empty = error_of([&] { cli::collect_report(ResultsDb::open(path, Access::read_only), {}); });
  EXPECT_TRUE(contains(empty, "empty.db' holds no runs")) << empty;
  {
    ResultsDb db = ResultsDb::open(path, Access::read_write);
    retrain(db, "retrain", db.upsert_genotype(genotype(kG1, "g", 1.0)), 0.5);
  }
  const std::string none = error_of([&] { cli::collect_report(ResultsDb::open(path, Access::read_only), {}); });
  EXPECT_TRUE(contains(none, "holds 1 runs but no search run")) << none;
}

// The command as a user runs it, through CLI11.
std::string run_command(std::vector<std::string> args) {
  CLI::App app;
  app.require_subcommand(1);
  cli::register_report_command(app);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector in reverse order
  try {
    app.parse(args);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "ok";
}

TEST_F(ReportTest, CommandWritesThePageAndNamesAFileThatIsNoDatabase) {
  const std::string out = dir.file("report.html");
  ASSERT_EQ(run_command({"report", "--db", dir.file("results.db"), "-o", out}), "ok");
  std::ifstream file(out);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_TRUE(contains(text.str(), kEscapedName));

  const std::string not_db = dir.file("notes.txt");
  std::ofstream(not_db) << "not a database, just some text that is long enough to be read\n";
  const std::string message = run_command({"report", "--db", not_db, "-o", out});
  EXPECT_TRUE(contains(message, "notes.txt")) << message;
  EXPECT_TRUE(contains(run_command({"report", "--db", dir.file("missing.db"), "-o", out}),
                       "missing.db"));
}

// The page in a real browser: its script counts the charts laid out with a size.
TEST_F(ReportTest, ChartsRenderInHeadlessChromium) {
  if (!on_path("chromium"))
    GTEST_SKIP() << "chromium is absent (Debian package chromium; scripts/install-deps.sh "
                    "--browser installs it)";
  const std::string out = dir.file("report.html");
  ASSERT_EQ(run_command({"report", "--db", dir.file("results.db"), "-o", out}), "ok");
  // Chromium wants a writable home for its profile; the test's own directory serves.
  const std::string command = "HOME=" + dir.path() +
                              " chromium --headless --disable-gpu --no-sandbox "
                              "--user-data-dir=" + dir.file("profile") +
                              " --dump-dom file://" + out + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  ASSERT_NE(pipe, nullptr);
  std::string dom;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0;) dom.append(buffer, n);
  EXPECT_TRUE(contains(dom, "data-charts-rendered=\"4\"")) << dom.substr(0, 2000);
  EXPECT_TRUE(contains(dom, "4 charts rendered by this browser."));
  // The name stayed text, not a script (a serialised DOM leaves quotes in text as they are).
  EXPECT_TRUE(contains(dom, "spos &lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; co"));
}

}  // namespace
}  // namespace bitnas

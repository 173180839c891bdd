// Searches end to end on a small synthetic data set: every controller completes a search and
// records its samples, an interrupted and resumed search ends bit-identical to an
// uninterrupted one, and derive ranks genotypes into a YAML file `bitnas train` reads.
#include <gtest/gtest.h>

#include <fstream>

#include "evaluators/interrupt.hpp"
#include "evaluators/metrics_csv.hpp"
#include "nas/genotype_file.hpp"
#include "nas/search/search_run.hpp"
#include "ops/core/log.hpp"
#include "storage/checkpoint.hpp"
#include "storage/results_db.hpp"
#include "tests/support/quadrant_dataset.hpp"
#include "tests/support/tiny_configs.hpp"

namespace bitnas {
namespace {

using testing::TempDir;

class SilentSearch : public SearchProgress {
 public:
  explicit SilentSearch(int stop_after_epochs = 0) : stop_after_(stop_after_epochs) {}
  void message(const std::string&) override {}
  void step_done(const SearchProgressInfo&) override {}
  void epoch_done(const SearchEpochMetrics& m, int) override {
    if (stop_after_ > 0 && m.epoch + 1 == stop_after_) request_stop();
  }

 private:
  int stop_after_;
};

class SearchRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clear_stop_request();
    testing::write_quadrant_dataset(data_);
  }
  void TearDown() override { clear_stop_request(); }

  SearchRequest request(const std::string& controller, const std::string& run) const {
    SearchRequest r;
    r.config = parse_search_config(testing::tiny_search_yaml(data_.path(), controller), "tiny_search.yaml");
    r.name = run;
    r.run_dir = work_.file(run);
    r.db_path = work_.file("results.db");
    return r;
  }

  TempDir data_, work_;
};

TEST_F(SearchRunTest, EveryControllerCompletesAndRecordsSamples) {
  const std::vector<std::pair<std::string, int>> controllers = {
      {"{type: random}", 2},
      {"{type: evolution, population_size: 4, tournament_size: 2}", 2},
      {"{type: reinforce, hidden_size: 8}", 2},
      {"{type: differentiable, mode: darts}", 1},
      {"{type: differentiable, mode: gdas}", 1}};
  for (const auto& [controller, samples_per_step] : controllers) {
    SilentSearch quiet;
    const SearchOutcome out = run_search(request(controller, "run" + controller), quiet);
    ASSERT_TRUE(out.run_id) << controller;
    const ResultsDb db = ResultsDb::open(work_.file("results.db"), Access::read_only);
    EXPECT_EQ(db.get_run(*out.run_id).status, RunStatus::finished) << controller;
    EXPECT_EQ(db.samples(*out.run_id).size(), static_cast<std::size_t>(2 * 3 * samples_per_step))
        << controller;
    EXPECT_EQ(db.search_epochs(*out.run_id).size(), 2u) << controller;
    EXPECT_FALSE(out.best_genotype.empty()) << controller;
    // The run directory has its log and one metrics row per epoch under a header.
    const std::filesystem::path dir = work_.file("run" + controller);
    EXPECT_TRUE(std::filesystem::exists(RunLogFile::path_in(dir))) << controller;
    std::ifstream csv(metrics_csv_path(dir));
    std::string header, row;
    std::getline(csv, header);
    EXPECT_EQ(header.rfind("epoch,supernet_loss,", 0), 0u) << header;
    int rows = 0;
    while (std::getline(csv, row)) EXPECT_EQ(row.rfind(std::to_string(rows++) + ",", 0), 0u) << row;
    EXPECT_EQ(rows, 2) << controller;
  }
}

TEST_F(SearchRunTest, InterruptedAndResumedEqualsUninterrupted) {
  const std::string controller = "{type: evolution, population_size: 4, tournament_size: 2}";
  SilentSearch quiet;
  const SearchOutcome straight = run_search(request(controller, "straight"), quiet);

  SilentSearch stop_after_one(1);
  EXPECT_THROW(run_search(request(controller, "resumed"), stop_after_one), Interrupted);
  clear_stop_request();
  SearchRequest again = request(controller, "resumed");
  again.resume = true;
  const SearchOutcome resumed = run_search(again, quiet);

  const Checkpoint a = load_checkpoint(straight.checkpoint);
  const Checkpoint b = load_checkpoint(resumed.checkpoint);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (const auto& [name, t] : a.tensors)
    for (std::int64_t i = 0; i < t.numel(); ++i)
      ASSERT_EQ(t[i], b.tensors.at(name)[i]) << name << "[" << i << "]";
  for (const auto& [name, t] : a.optimizer)
    for (std::int64_t i = 0; i < t.numel(); ++i) ASSERT_EQ(t[i], b.optimizer.at(name)[i]) << name;
  for (const char* key : {"sampling_rng", "counters", "best_genotype"})
    EXPECT_EQ(a.strings.at(key), b.strings.at(key)) << key;

  const ResultsDb db = ResultsDb::open(work_.file("results.db"), Access::read_only);
  const auto sa = db.samples(*straight.run_id), sb = db.samples(*resumed.run_id);
  ASSERT_EQ(sa.size(), sb.size());
  for (std::size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sa[i].genotype_id, sb[i].genotype_id) << i;
    EXPECT_EQ(sa[i].reward, sb[i].reward) << i;
  }

  SearchRequest finished = request(controller, "resumed");
  finished.resume = true;
  EXPECT_TRUE(run_search(finished, quiet).was_finished);
  EXPECT_TRUE(run_search(request(controller, "resumed"), quiet).was_finished)
      << "a finished search is reported, with or without --resume";
}

TEST_F(SearchRunTest, DeriveRanksAndWritesTrainableYaml) {
  SilentSearch quiet;
  const SearchOutcome out = run_search(request("{type: random}", "search"), quiet);
  DeriveRequest derive;
  derive.db_path = work_.file("results.db");
  derive.search_run = *out.run_id;
  derive.top = 3;
  derive.samples = 4;
  derive.output = work_.file("derived.yaml");
  const DeriveOutcome d = run_derive(derive, quiet);
  ASSERT_EQ(d.ranked.size(), 3u);
  for (std::size_t i = 1; i < d.ranked.size(); ++i)
    EXPECT_GE(d.ranked[i - 1].reward, d.ranked[i].reward);
  EXPECT_EQ(cli::read_genotype_file(work_.file("derived.yaml"), 1), d.ranked[0].genotype);
  EXPECT_EQ(cli::read_genotype_file(work_.file("derived.yaml"), 3), d.ranked[2].genotype);
  const ResultsDb db = ResultsDb::open(work_.file("results.db"), Access::read_only);
  EXPECT_EQ(db.get_run(d.derive_run).info.kind, RunKind::derive);
  EXPECT_EQ(db.results(d.derive_run).size(), 9u) << "reward, top1 and rank per genotype";
}

}  // namespace
}  // namespace bitnas

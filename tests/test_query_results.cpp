// The read-side queries of `bitnas query` (storage/results_queries.hpp) on a small database
// built with ResultsDb: a search run with samples, a derive run, train runs (retrains of
// derived genotypes, a second seed, a baseline, one still running) and a tiny second search.
// Rewards and accuracies are multiples of 1/64, so means and comparisons are exact.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "nas/table_output.hpp"
#include "storage/results_db.hpp"
#include "storage/results_queries.hpp"
#include "tests/support/data_files.hpp"
#include "tests/support/error_text.hpp"  // TempDir
#include "tests/support/result_rows.hpp"

namespace bitnas {
namespace {

using testing::contains;
using testing::error_of;

using testing::TempDir;
using testing::genotype;
using testing::retrain;
using testing::run_info;
using testing::sample;

// Hashes: A and B share the 15-character prefix "aaaa00000000000".
constexpr const char* kHashA = "aaaa000000000001";
constexpr const char* kHashB = "aaaa000000000002";
constexpr const char* kHashC = "bbbb000000000003";
constexpr const char* kHashD = "cccc000000000004";
constexpr const char* kHashBase = "dddd000000000005";
// Canonical forms with commas and quotes, as real genotypes have.
constexpr const char* kGenotypeA =
    "CNNGenotype(normal_0=[('bconv_3x3', 0, 2), ('skip_connect', 1, 2)], normal_0_concat=[2])";
constexpr const char* kGenotypeB =
    "CNNGenotype(normal_0=[('bconv_5x5', 0, 2), ('skip_connect', 1, 2)], normal_0_concat=[2])";
constexpr const char* kGenotypeC =
    "CNNGenotype(normal_0=[('max_pool_3x3', 0, 2), ('skip_connect', 1, 2)], "
    "normal_0_concat=[2])";
constexpr const char* kGenotypeD =
    "CNNGenotype(normal_0=[('avg_pool_3x3', 0, 2), ('skip_connect', 1, 2)], "
    "normal_0_concat=[2])";
constexpr const char* kGenotypeBase = "resnete18";

struct Ids {
  std::int64_t search = 0, derive = 0, train_a = 0, train_a2 = 0, train_b = 0, train_c = 0,
               baseline = 0, train_d_running = 0, tiny_search = 0;
};

Ids build_db(const std::string& path) {
  ResultsDb db = ResultsDb::open(path, Access::read_write);
  const std::int64_t a = db.upsert_genotype(genotype(kHashA, kGenotypeA, 2000.0));
  const std::int64_t b = db.upsert_genotype(genotype(kHashB, kGenotypeB, 3000.0));
  const std::int64_t c = db.upsert_genotype(genotype(kHashC, kGenotypeC, 1500.0));
  const std::int64_t d = db.upsert_genotype(genotype(kHashD, kGenotypeD, std::nullopt));
  const std::int64_t base = db.upsert_genotype(genotype(kHashBase, kGenotypeBase, 90000.0));
  Ids ids;

  // Search: mean sample reward A 0.625 (2 samples), B 0.625, C 0.375, D 0.5625.
  ids.search = db.begin_run(run_info(RunKind::search, "spos fmnist"));
  db.record_sample(ids.search, sample(0, 0, 0, a, 0.5, 1.25));
  db.record_sample(ids.search, sample(0, 1, 0, b, 0.625, 1.0));
  db.record_sample(ids.search, sample(1, 0, 1, a, 0.75, 0.875));
  db.record_sample(ids.search, sample(1, 1, 1, c, 0.375, 1.5));
  db.record_sample(ids.search, sample(2, 0, 1, d, 0.5625, std::nullopt));
  SearchEpochMetrics e0, e1;
  e0.epoch = 0;
  e0.wall_s = 10.0;
  e1.epoch = 1;
  e1.wall_s = 12.5;
  db.record_search_epoch(ids.search, e0);
  db.record_search_epoch(ids.search, e1);
  db.finish_run(ids.search, RunStatus::finished);

  // Derive: A 0.75 (rank 1), B 0.71875 (rank 2), C 0.25 (rank 3).
  ids.derive = db.begin_run(run_info(RunKind::derive, "derive spos"));
  const std::pair<std::int64_t, double> derived[] = {{a, 0.75}, {b, 0.71875}, {c, 0.25}};
  for (int i = 0; i < 3; ++i) {
    const auto [id, reward] = derived[i];
    db.record_result(ids.derive, ResultInfo{id, "reward", "derive", reward});
    db.record_result(ids.derive, ResultInfo{id, "rank", "derive", i + 1.0});
  }
  db.finish_run(ids.derive, RunStatus::finished);

  // Retrains: A 0.8125 and 0.875 (mean 0.84375), B 0.875, C 0.75; baseline 0.90625.
  ids.train_a = db.begin_run(run_info(RunKind::train, "retrain A"));
  EpochMetrics m0, m1;
  m0.epoch = 0;
  m0.valid_acc = 0.78125;
  m0.wall_s = 5.0;
  m1.epoch = 1;
  m1.valid_acc = 0.828125;  // the best epoch is better than the final result
  m1.wall_s = 6.0;
  db.record_epoch(ids.train_a, m0);
  db.record_epoch(ids.train_a, m1);
  db.record_result(ids.train_a, ResultInfo{a, "top1", "test", 0.8125});
  db.record_result(ids.train_a, ResultInfo{a, "top1", "valid", 0.8125 + 0.03125});
  db.finish_run(ids.train_a, RunStatus::finished);
  ids.train_a2 = retrain(db, "retrain \"A\", seed 2", a, 0.875);
  ids.train_b = retrain(db, "retrain B", b, 0.875);
  ids.train_c = retrain(db, "retrain C", c, 0.75);
  ids.baseline = retrain(db, "resnete18_fmnist:resnete18", base, 0.90625);

  // Still training D: an epoch, no final result.
  ids.train_d_running = db.begin_run(run_info(RunKind::train, "retrain D"));
  EpochMetrics d0;
  d0.epoch = 0;
  d0.valid_acc = 0.5;
  db.record_epoch(ids.train_d_running, d0);

  // A second search whose only retrained genotype is A.
  ids.tiny_search = db.begin_run(run_info(RunKind::search, "tiny search"));
  db.record_sample(ids.tiny_search, sample(0, 0, 0, a, 0.25, 2.0));
  db.record_sample(ids.tiny_search, sample(0, 1, 0, d, 0.5, 2.0));
  db.finish_run(ids.tiny_search, RunStatus::finished);
  return ids;
}

class QueryTest : public ::testing::Test {
 protected:
  QueryTest() : ids(build_db(dir.file("results.db"))) {}
  ResultsDb open() const { return ResultsDb::open(dir.file("results.db"), Access::read_only); }

  TempDir dir;
  Ids ids;
};

using QueryRuns = QueryTest;
using QueryHistory = QueryTest;
using QueryTop = QueryTest;
using QueryGenotype = QueryTest;
using QueryCompare = QueryTest;
using QueryCorrelation = QueryTest;

std::vector<std::string> hashes(const std::vector<RankedGenotype>& rows) {
  std::vector<std::string> out;
  for (const RankedGenotype& r : rows) out.push_back(r.hash);
  return out;
}

TEST_F(QueryRuns, EveryRunWithItsEpochsAndBestResult) {
  const ResultsDb db = open();
  const std::vector<RunOverview> runs = list_run_overviews(db);
  ASSERT_EQ(runs.size(), 9u);
  for (std::size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i].id, runs.front().id + i);

  const RunOverview& search = runs[0];
  EXPECT_EQ(search.id, ids.search);
  EXPECT_EQ(search.kind, RunKind::search);
  EXPECT_EQ(search.name, "spos fmnist");
  EXPECT_EQ(search.status, RunStatus::finished);
  EXPECT_TRUE(search.finished_at.has_value());
  EXPECT_EQ(search.epochs, 2);
  EXPECT_EQ(best_result(search), 0.75);  // best sample reward
  EXPECT_STREQ(best_result_label(search.kind), "reward/sample");

  const RunOverview& derive = runs[1];
  EXPECT_EQ(derive.kind, RunKind::derive);
  EXPECT_EQ(derive.epochs, 0);
  EXPECT_EQ(best_result(derive), 0.75);  // best derive reward, not the rank 3
  EXPECT_STREQ(best_result_label(derive.kind), "reward/derive");

  const RunOverview& train_a = runs[2];
  EXPECT_EQ(train_a.epochs, 2);
  EXPECT_EQ(train_a.final_top1, 0.8125);
  EXPECT_EQ(best_result(train_a), 0.8125);  // the test split, once at the end; never an epoch's best
  EXPECT_STREQ(best_result_label(train_a.kind), "top1/test");
  EXPECT_EQ(best_result(runs[3]), 0.875);     // no epochs: the final result

  const RunOverview& running = runs[7];
  EXPECT_EQ(running.id, ids.train_d_running);
  EXPECT_EQ(running.status, RunStatus::running);
  EXPECT_FALSE(running.finished_at.has_value());
  EXPECT_FALSE(running.final_top1.has_value());
  EXPECT_FALSE(best_result(running).has_value());  // no test result before the end
  EXPECT_FALSE(running.elapsed_s.has_value());
}

TEST_F(QueryHistory, EverySampleInOrderWithItsGenotype) {
  const ResultsDb db = open();
  const std::vector<HistoryRow> rows = search_history(db, ids.search);
  ASSERT_EQ(rows.size(), 5u);
  const std::vector<std::pair<std::int64_t, std::int64_t>> order = {
      {0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 0}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].step, order[i].first) << i;
    EXPECT_EQ(rows[i].idx, order[i].second) << i;
  }
  EXPECT_EQ(rows[2].epoch, 1);
  EXPECT_EQ(rows[2].hash, kHashA);
  EXPECT_EQ(rows[2].canonical, kGenotypeA);
  EXPECT_EQ(rows[2].reward, 0.75);
  EXPECT_EQ(rows[2].loss, 0.875);
  EXPECT_EQ(rows[3].hash, kHashC);
  EXPECT_FALSE(rows[4].loss.has_value());

  const std::vector<HistoryRow> first_two = search_history(db, ids.search, 2);
  ASSERT_EQ(first_two.size(), 2u);
  EXPECT_EQ(first_two[1].hash, kHashB);
}

TEST_F(QueryHistory, OnlyForAnExistingSearchRun) {
  const ResultsDb db = open();
  EXPECT_TRUE(contains(error_of([&] { search_history(db, ids.train_a); }),
                       "is a train run; history lists the samples of a search run"));
  EXPECT_TRUE(contains(error_of([&] { search_history(db, 999); }), "no run 999"));
}

TEST_F(QueryTop, ByBestSampleRewardOfASearchRun) {
  const ResultsDb db = open();
  TopQuery q;
  q.run_id = ids.search;
  const std::vector<RankedGenotype> rows = top_genotypes(db, q);
  EXPECT_EQ(hashes(rows), (std::vector<std::string>{kHashA, kHashB, kHashD, kHashC}));
  EXPECT_EQ(rows[0].rank, 1);
  EXPECT_EQ(rows[3].rank, 4);
  EXPECT_EQ(rows[0].reward, 0.75);  // best, not mean, of A's two samples
  EXPECT_EQ(rows[0].reward_run, ids.search);
  EXPECT_EQ(rows[0].retrained_top1, 0.875);  // mean validation top-1 of its two retrains
  EXPECT_EQ(rows[0].retrained_test_top1, 0.84375);  // and their mean test top-1 beside it
  EXPECT_EQ(rows[0].retrains, 2);
  EXPECT_EQ(rows[0].params, 6500);
  EXPECT_EQ(rows[0].ops, 2000.0);
  EXPECT_EQ(rows[0].bytes, 1200.0);
  EXPECT_EQ(rows[0].canonical, kGenotypeA);
  EXPECT_FALSE(rows[2].retrained_top1.has_value());  // D was never retrained
  EXPECT_EQ(rows[2].retrains, 0);
  EXPECT_FALSE(rows[2].ops.has_value());

  q.limit = 2;
  EXPECT_EQ(hashes(top_genotypes(db, q)), (std::vector<std::string>{kHashA, kHashB}));
}

TEST_F(QueryTop, MaxOpsKeepsOnlyCountedGenotypesWithinTheBudget) {
  const ResultsDb db = open();
  TopQuery q;
  q.run_id = ids.search;
  q.max_ops = 2000.0;  // A (2000) and C (1500); B is 3000, D was never counted
  EXPECT_EQ(hashes(top_genotypes(db, q)), (std::vector<std::string>{kHashA, kHashC}));
  q.max_ops = 100.0;
  EXPECT_TRUE(top_genotypes(db, q).empty());
}

TEST_F(QueryTop, ADeriveRunRanksByDeriveReward) {
  const ResultsDb db = open();
  TopQuery q;
  q.run_id = ids.derive;
  const std::vector<RankedGenotype> rows = top_genotypes(db, q);
  EXPECT_EQ(hashes(rows), (std::vector<std::string>{kHashA, kHashB, kHashC}));
  EXPECT_EQ(rows[1].reward, 0.71875);
  EXPECT_EQ(rows[1].reward_run, ids.derive);
}

TEST_F(QueryTop, AllRunsTakeTheBestRewardOfAnyRun) {
  const ResultsDb db = open();
  const std::vector<RankedGenotype> rows = top_genotypes(db, TopQuery{});
  // The baseline has no reward anywhere; B's best is its derive reward.
  EXPECT_EQ(hashes(rows), (std::vector<std::string>{kHashA, kHashB, kHashD, kHashC}));
  EXPECT_EQ(rows[0].reward_run, ids.search);  // A ties at 0.75 in search and derive: lower id
  EXPECT_EQ(rows[1].reward, 0.71875);
  EXPECT_EQ(rows[1].reward_run, ids.derive);
}

TEST_F(QueryTop, ByRetrainedAccuracy) {
  const ResultsDb db = open();
  TopQuery q;
  q.by = RankBy::retrained;
  const std::vector<RankedGenotype> all = top_genotypes(db, q);
  EXPECT_EQ(hashes(all), (std::vector<std::string>{kHashBase, kHashB, kHashA, kHashC}));
  EXPECT_EQ(all[0].retrained_top1, 0.9375);  // ranked by validation
  EXPECT_EQ(all[0].retrained_test_top1, 0.90625);
  EXPECT_FALSE(all[0].reward.has_value());

  q.run_id = ids.search;  // only the genotypes the search sampled
  EXPECT_EQ(hashes(top_genotypes(db, q)), (std::vector<std::string>{kHashB, kHashA, kHashC}));
}

TEST_F(QueryTop, UnknownRunIsAnError) {
  const ResultsDb db = open();
  TopQuery q;
  q.run_id = 999;
  EXPECT_TRUE(contains(error_of([&] { top_genotypes(db, q); }), "no run 999"));
}

TEST_F(QueryGenotype, FullHashGivesCostsAndEveryMention) {
  const ResultsDb db = open();
  const GenotypeDetails d = genotype_details(db, kHashA);
  EXPECT_EQ(d.genotype.hash, kHashA);
  EXPECT_EQ(d.genotype.canonical, kGenotypeA);
  EXPECT_EQ(d.genotype.ops, 2000.0);
  EXPECT_EQ(d.genotype.fp_params, 100);

  struct Expected {
    std::int64_t run;
    const char* source;
    const char* metric;
    const char* split;
    double value;
    std::optional<std::int64_t> step;
  };
  const std::vector<Expected> expected = {
      {ids.search, "sample", "reward", "sample", 0.5, 0},
      {ids.search, "sample", "reward", "sample", 0.75, 1},
      {ids.derive, "result", "rank", "derive", 1.0, std::nullopt},
      {ids.derive, "result", "reward", "derive", 0.75, std::nullopt},
      {ids.train_a, "result", "top1", "test", 0.8125, std::nullopt},
      {ids.train_a, "result", "top1", "valid", 0.84375, std::nullopt},
      {ids.train_a2, "result", "loss", "test", 0.5, std::nullopt},
      {ids.train_a2, "result", "top1", "test", 0.875, std::nullopt},
      {ids.train_a2, "result", "top1", "valid", 0.90625, std::nullopt},
      {ids.tiny_search, "sample", "reward", "sample", 0.25, 0},
  };
  ASSERT_EQ(d.mentions.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const GenotypeMention& m = d.mentions[i];
    EXPECT_EQ(m.run_id, expected[i].run) << i;
    EXPECT_EQ(m.source, expected[i].source) << i;
    EXPECT_EQ(m.metric, expected[i].metric) << i;
    EXPECT_EQ(m.split, expected[i].split) << i;
    EXPECT_EQ(m.value, expected[i].value) << i;
    EXPECT_EQ(m.step, expected[i].step) << i;
  }
  EXPECT_EQ(d.mentions[1].epoch, 1);
  EXPECT_EQ(d.mentions[1].kind, RunKind::search);
  EXPECT_EQ(d.mentions[7].run_name, "retrain \"A\", seed 2");
}

TEST_F(QueryGenotype, UniquePrefixOfSixOrMoreCharactersInAnyCase) {
  const ResultsDb db = open();
  EXPECT_EQ(genotype_details(db, "bbbb00").genotype.hash, kHashC);
  EXPECT_EQ(genotype_details(db, "CCCC0000").genotype.hash, kHashD);
  EXPECT_TRUE(genotype_details(db, "cccc00").mentions.size() == 2);  // two searches sampled D
}

TEST_F(QueryGenotype, ShortUnknownAndAmbiguousPrefixesAreErrors) {
  const ResultsDb db = open();
  EXPECT_TRUE(contains(error_of([&] { genotype_details(db, "bbbb0"); }),
                       "too short: give at least 6 characters"));
  EXPECT_TRUE(contains(error_of([&] { genotype_details(db, "ffffff"); }),
                       "no genotype hash starts with 'ffffff'"));
  const std::string ambiguous = error_of([&] { genotype_details(db, "aaaa00000000000"); });
  EXPECT_TRUE(contains(ambiguous, "matches 2 genotypes")) << ambiguous;
  EXPECT_TRUE(contains(ambiguous, kHashA)) << ambiguous;
  EXPECT_TRUE(contains(ambiguous, kHashB)) << ambiguous;
  // A LIKE pattern character is text to match, not a wildcard.
  EXPECT_TRUE(contains(error_of([&] { genotype_details(db, "aaaa0%"); }), "no genotype hash"));
}

TEST_F(QueryCompare, RunsInTheOrderGivenWithWhatEachHas) {
  const ResultsDb db = open();
  const std::vector<std::int64_t> wanted = {ids.baseline, ids.derive, ids.train_a, ids.search};
  const std::vector<RunOverview> rows = run_overviews(db, wanted);
  ASSERT_EQ(rows.size(), 4u);

  EXPECT_EQ(rows[0].id, ids.baseline);
  EXPECT_EQ(rows[0].name, "resnete18_fmnist:resnete18");
  EXPECT_EQ(rows[0].best_genotype, kHashBase);
  EXPECT_EQ(rows[0].final_top1, 0.90625);
  EXPECT_FALSE(rows[0].best_reward.has_value());
  EXPECT_FALSE(rows[0].wall_s.has_value());

  EXPECT_EQ(rows[1].best_genotype, kHashA);  // the best derived genotype
  EXPECT_EQ(rows[1].best_reward, 0.75);
  EXPECT_FALSE(rows[1].final_top1.has_value());

  EXPECT_EQ(rows[2].best_genotype, kHashA);
  EXPECT_EQ(rows[2].best_epoch_valid, 0.828125);
  EXPECT_EQ(rows[2].final_top1, 0.8125);
  EXPECT_EQ(rows[2].epochs, 2);
  EXPECT_EQ(rows[2].wall_s, 11.0);
  ASSERT_TRUE(rows[2].elapsed_s.has_value());
  EXPECT_GE(*rows[2].elapsed_s, 0.0);
  EXPECT_LT(*rows[2].elapsed_s, 600.0);

  EXPECT_EQ(rows[3].best_genotype, kHashA);  // its best sample (0.75)
  EXPECT_EQ(rows[3].wall_s, 22.5);           // search epochs count too
  EXPECT_EQ(rows[3].epochs, 2);
}

TEST_F(QueryCompare, UnknownRunIsAnError) {
  const ResultsDb db = open();
  const std::vector<std::int64_t> wanted = {ids.search, 999};
  EXPECT_TRUE(contains(error_of([&] { run_overviews(db, wanted); }), "no run 999"));
}

TEST_F(QueryCorrelation, SearchRunUsesMeanSampleRewardAgainstMeanRetrainedTop1) {
  const ResultsDb db = open();
  const RewardCorrelation c = reward_correlation(db, ids.search);
  EXPECT_EQ(c.kind, RunKind::search);
  EXPECT_TRUE(contains(c.reward_source, "mean sample reward"));
  // D has no retrain; the baseline is not in the search.
  ASSERT_EQ(c.pairs.size(), 3u);
  EXPECT_EQ(c.pairs[0].hash, kHashA);  // A and B tie at 0.625: by hash
  EXPECT_EQ(c.pairs[0].reward, 0.625);
  EXPECT_EQ(c.pairs[0].rewards, 2);
  EXPECT_EQ(c.pairs[0].retrained_top1, 0.875);  // validation
  EXPECT_EQ(c.pairs[0].retrained_test_top1, 0.84375);
  EXPECT_EQ(c.pairs[0].retrains, 2);
  EXPECT_EQ(c.pairs[1].hash, kHashB);
  EXPECT_EQ(c.pairs[2].hash, kHashC);
  // Pairs: (A,B) tied in reward; (A,C) and (B,C) concordant. 2 / sqrt((3 - 1) * 3).
  EXPECT_EQ(c.tau.n, 3);
  EXPECT_EQ(c.tau.concordant, 2);
  EXPECT_EQ(c.tau.discordant, 0);
  EXPECT_EQ(c.tau.tied_x, 1);
  EXPECT_EQ(c.tau.tied_y, 0);
  ASSERT_TRUE(c.tau.tau_b.has_value());
  EXPECT_DOUBLE_EQ(*c.tau.tau_b, 2.0 / std::sqrt(6.0));
}

TEST_F(QueryCorrelation, DeriveRunUsesItsDeriveRewards) {
  const ResultsDb db = open();
  const RewardCorrelation c = reward_correlation(db, ids.derive);
  EXPECT_TRUE(contains(c.reward_source, "derive reward"));
  ASSERT_EQ(c.pairs.size(), 3u);
  EXPECT_EQ(c.pairs[0].reward, 0.75);
  // A > B in reward but A < B retrained: 1 discordant, 2 concordant, tau = 1/3.
  EXPECT_EQ(c.tau.discordant, 1);
  EXPECT_EQ(c.tau.concordant, 2);
  ASSERT_TRUE(c.tau.tau_b.has_value());
  EXPECT_DOUBLE_EQ(*c.tau.tau_b, 1.0 / 3.0);
}

TEST_F(QueryCorrelation, FewerThanTwoPairsIsNotAnError) {
  const ResultsDb db = open();
  const RewardCorrelation c = reward_correlation(db, ids.tiny_search);
  ASSERT_EQ(c.pairs.size(), 1u);
  EXPECT_EQ(c.pairs[0].hash, kHashA);
  EXPECT_EQ(c.tau.n, 1);
  EXPECT_FALSE(c.tau.tau_b.has_value());
}

TEST_F(QueryCorrelation, NeedsASearchOrDeriveRun) {
  const ResultsDb db = open();
  EXPECT_TRUE(contains(error_of([&] { reward_correlation(db, ids.train_a); }),
                       "correlation needs a search or derive run"));
  EXPECT_TRUE(contains(error_of([&] { reward_correlation(db, 999); }), "no run 999"));
}

TEST_F(QueryTest, ReadOnlyDatabaseAndMissingFile) {
  const ResultsDb db = open();
  EXPECT_EQ(db.access(), Access::read_only);
  EXPECT_TRUE(contains(
      error_of([&] { ResultsDb::open(dir.file("missing.db"), Access::read_only); }),
      "does not exist"));
}

// A minimal RFC 4180 reader: fields of one record per line (CRLF), quotes doubled inside.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quoted) {
      if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      records.back().push_back(field);
      field.clear();
    } else if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      records.back().push_back(field);
      field.clear();
      records.emplace_back();
      ++i;
    } else {
      field += ch;
    }
  }
  records.pop_back();  // after the last CRLF
  return records;
}

TEST_F(QueryHistory, CsvOfTheRowsReadsBackToTheSameGenotypesAndNames) {
  const ResultsDb db = open();
  cli::Table t;
  t.columns = {{"step"}, {"hash"}, {"genotype"}};
  for (const HistoryRow& h : search_history(db, ids.search))
    t.add_row({h.step, h.hash, h.canonical});
  std::ostringstream out;
  cli::write_table(out, t, cli::OutputFormat::csv);
  const auto records = parse_csv(out.str());
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ(records[0], (std::vector<std::string>{"step", "hash", "genotype"}));
  EXPECT_EQ(records[1], (std::vector<std::string>{"0", kHashA, kGenotypeA}));
  EXPECT_EQ(records[4], (std::vector<std::string>{"1", kHashC, kGenotypeC}));

  // A run name with a quote and a comma survives too.
  cli::Table names;
  names.columns = {{"name"}};
  for (const RunOverview& r : list_run_overviews(db)) names.add_row({r.name});
  std::ostringstream names_out;
  cli::write_table(names_out, names, cli::OutputFormat::csv);
  EXPECT_EQ(parse_csv(names_out.str())[4], (std::vector<std::string>{"retrain \"A\", seed 2"}));
}

}  // namespace
}  // namespace bitnas

// The commit point of the run lifecycle: a search or training run cut short at any write
// boundary (checkpoint file written, renamed; any transaction begun, about to commit,
// committed), as kill -9 would cut it, then resumed, leaves exactly the database an
// uninterrupted run leaves. Also: a run killed before its first checkpoint is adopted by
// --resume, a run whose process is gone shows as interrupted, several processes' worth of
// writers share one database, and --resume with nothing to resume is refused.
#include <gtest/gtest.h>

#include <cerrno>
#include <functional>
#include <sstream>
#include <system_error>
#include <thread>

#include "evaluators/interrupt.hpp"
#include "evaluators/train_request.hpp"
#include "evaluators/trainer.hpp"
#include "nas/search/search_run.hpp"
#include "storage/fault_point.hpp"
#include "storage/results_db.hpp"
#include "storage/sqlite_statement.hpp"
#include "tests/support/data_files.hpp"
#include "tests/support/error_text.hpp"
#include "tests/support/quadrant_dataset.hpp"
#include "tests/support/tiny_configs.hpp"

namespace bitnas {
namespace {

using testing::TempDir;

class QuietSearch : public SearchProgress {
 public:
  void message(const std::string&) override {}
  void step_done(const SearchProgressInfo&) override {}
  void epoch_done(const SearchEpochMetrics&, int) override {}
};

// Everything a run records that is a result: wall-clock columns, paths of run directories,
// process ids and checkpoint checksums and sizes (a checkpoint holds the run's wall time as text) left out.
std::string results_dump(const std::filesystem::path& db_path) {
  const ResultsDb db = ResultsDb::open(db_path, Access::read_only);
  std::ostringstream out;
  for (const char* sql :
       {"SELECT id, kind, name, config_hash, seed, status, threads FROM runs ORDER BY id",
        "SELECT id, hash, canonical, num_init_nodes, fp_params, binary_params, flops, bops, ops, "
        "bytes FROM genotypes ORDER BY id",
        "SELECT run_id, step, idx, epoch, genotype_id, reward, loss, accuracy FROM samples "
        "ORDER BY run_id, step, idx",
        "SELECT run_id, epoch, supernet_loss, supernet_acc, mean_reward, best_reward, "
        "controller_loss FROM search_epochs ORDER BY run_id, epoch",
        "SELECT run_id, epoch, train_loss, train_acc, valid_loss, valid_acc, test_acc, lr "
        "FROM epoch_metrics ORDER BY run_id, epoch",
        "SELECT run_id, genotype_id, metric, split, value FROM results "
        "ORDER BY run_id, genotype_id, metric, split",
        "SELECT run_id, epoch, step FROM checkpoints ORDER BY run_id, epoch"}) {
    SqliteStatement query(db.connection(), sql);
    out << sql << "\n";
    while (query.step()) {
      for (int c = 0; c < query.column_count(); ++c)
        out << query.column_optional_text(c).value_or("NULL") << "|";
      out << "\n";
    }
  }
  return out.str();
}

// Counts the write boundaries a run passes; with crash_at >= 0, throws InjectedCrash there.
struct FaultPlan {
  int crash_at = -1;
  int seen = 0;
  std::vector<std::string> names;
  void install() {
    set_fault_hook([this](std::string_view point) {
      names.emplace_back(point);
      if (seen++ == crash_at) throw InjectedCrash(point);
    });
  }
};

class CommitPointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clear_stop_request();
    testing::write_quadrant_dataset(data_);
  }
  void TearDown() override {
    set_fault_hook({});
    clear_stop_request();
  }

  SearchRequest search_request(const std::string& run, bool resume) const {
    SearchRequest r;
    r.config = parse_search_config(testing::tiny_search_yaml(data_.path(), "{type: evolution, population_size: 3, tournament_size: 2}"),
                                   "tiny_search.yaml");
    r.name = "search";
    r.run_dir = work_.file(run);
    r.db_path = work_.file(run + ".db");
    r.resume = resume;
    return r;
  }
  TrainRequest train_request(const std::string& run, bool resume) const {
    TrainRequest r = make_train_request(testing::tiny_train_yaml(data_.path(), 2), "tiny.yaml", {});
    r.name = "train";
    r.run_dir = work_.file(run);
    r.db_path = work_.file(run + ".db");
    r.resume = resume;
    return r;
  }

  // Runs `once(run, resume)` uninterrupted, then once per write boundary it passes: cut
  // there, resumed, and compared with the uninterrupted database.
  template <typename Run>
  void expect_every_cut_resumes_exactly(Run once) {
    FaultPlan count;
    count.install();
    once("straight", false);
    set_fault_hook({});
    const std::string expected = results_dump(work_.file("straight.db"));
    ASSERT_GT(count.seen, 8) << "too few write boundaries seen";
    for (int k = 0; k < count.seen; ++k) {
      const std::string run = "cut" + std::to_string(k);
      FaultPlan cut;
      cut.crash_at = k;
      cut.install();
      EXPECT_THROW(once(run, false), InjectedCrash) << "boundary " << k;
      set_fault_hook({});
      // As a user (or scripts/quickstart.sh) would: --resume when a checkpoint exists; else
      // the same command again, which adopts a run registered in this directory.
      once(run, std::filesystem::exists(work_.file(run) + "/checkpoint.bnck"));
      EXPECT_EQ(results_dump(work_.file(run + ".db")), expected)
          << "cut at boundary " << k << " (" << count.names[k] << ")";
    }
  }

  TempDir data_, work_;
};

TEST_F(CommitPointTest, SearchCutAtEveryWriteBoundaryResumesToTheSameDatabase) {
  QuietSearch quiet;
  expect_every_cut_resumes_exactly(
      [&](const std::string& run, bool resume) { run_search(search_request(run, resume), quiet); });
}

TEST_F(CommitPointTest, TrainingCutAtEveryWriteBoundaryResumesToTheSameDatabase) {
  SilentProgress quiet;
  expect_every_cut_resumes_exactly(
      [&](const std::string& run, bool resume) { train(train_request(run, resume), quiet); });
}

// A full disk is an error, not a crash: the run stops with the system's own message (not a
// follow-up failure of marking the run), is recorded as failed, and once there is space the
// same command with --resume ends with the database of an uninterrupted run. The full disk
// is simulated where each write would meet it after the first checkpoint: the next checkpoint
// file, or the next COMMIT (the first checkpoint's own row, the case that once lost rows).
TEST_F(CommitPointTest, DiskFullIsReportedAsItselfAndTheRunResumesOnceThereIsSpace) {
  SilentProgress quiet_train;
  QuietSearch quiet_search;
  const std::function<void(const std::string&, bool)> kinds[] = {
      [&](const std::string& run, bool resume) { train(train_request(run, resume), quiet_train); },
      [&](const std::string& run, bool resume) {
        run_search(search_request(run, resume), quiet_search);
      }};
  for (const auto& once : kinds) {
    once("straight", false);
    const std::string expected = results_dump(work_.file("straight.db"));
    for (const char* point : {"file.temp_written", "transaction.before_commit"}) {
      const std::string run = std::string("full-") + point;
      // Armed once the first checkpoint is in place, so there is one to resume from.
      bool armed = false, thrown = false;
      set_fault_hook([&](std::string_view at) {
        if (armed && !thrown && at == point) {
          thrown = true;
          throw std::system_error(ENOSPC, std::generic_category(), "writing " + run);
        }
        armed = armed || at == "file.renamed";
      });
      const std::string error = testing::error_of([&] { once(run, false); });
      set_fault_hook({});
      ASSERT_TRUE(thrown) << point << " was not reached after the first checkpoint";
      EXPECT_TRUE(testing::contains(error, "No space left on device")) << point << ": " << error;
      {
        const ResultsDb db = ResultsDb::open(work_.file(run + ".db"), Access::read_only);
        ASSERT_EQ(db.list_runs().size(), 1u) << point;
        EXPECT_EQ(db.list_runs()[0].status, RunStatus::failed) << point;
      }
      ASSERT_TRUE(std::filesystem::exists(work_.file(run) + "/checkpoint.bnck")) << point;
      once(run, true);
      EXPECT_EQ(results_dump(work_.file(run + ".db")), expected) << point;
      std::filesystem::remove_all(work_.file(run));
      std::filesystem::remove(work_.file(run + ".db"));
    }
    std::filesystem::remove_all(work_.file("straight"));
    std::filesystem::remove(work_.file("straight.db"));
  }
}

TEST_F(CommitPointTest, ResumeWithNothingToResumeIsRefused) {
  QuietSearch quiet;
  const std::string error = testing::error_of([&] { run_search(search_request("never", true), quiet); });
  EXPECT_TRUE(testing::contains(error, "nothing to resume")) << error;
  EXPECT_TRUE(testing::contains(error, "never")) << error;
}

TEST_F(CommitPointTest, RunKilledBeforeItsFirstCheckpointIsAdoptedByResume) {
  QuietSearch quiet;
  // Cut when the first checkpoint's temporary file is written: the run is registered, but
  // no checkpoint exists.
  set_fault_hook([](std::string_view point) {
    if (point == "file.temp_written") throw InjectedCrash(point);
  });
  EXPECT_THROW(run_search(search_request("early", false), quiet), InjectedCrash);
  set_fault_hook({});
  ASSERT_FALSE(std::filesystem::exists(work_.file("early") + "/checkpoint.bnck"));
  const SearchOutcome out = run_search(search_request("early", true), quiet);
  ResultsDb db = ResultsDb::open(work_.file("early.db"), Access::read_only);
  ASSERT_EQ(db.list_runs().size(), 1u);  // the same run, not a second one
  EXPECT_EQ(db.list_runs()[0].status, RunStatus::finished);
  EXPECT_EQ(*out.run_id, db.list_runs()[0].id);
}

TEST_F(CommitPointTest, RunWhoseProcessIsGoneShowsAsInterrupted) {
  ResultsDb db = ResultsDb::open(work_.file("gone.db"), Access::read_write);
  RunInfo info;
  info.kind = RunKind::train;
  info.name = "orphan";
  info.config_text = "x";
  info.config_hash = "h";
  info.host = this_process().host;
  info.bitnas_version = "test";
  const std::int64_t id = db.begin_run(info);
  EXPECT_FALSE(db.get_run(id).orphaned);  // this process is alive
  // A process that has exited: a child's pid after it was reaped has no start time to match.
  SqliteStatement(db.connection(), "UPDATE runs SET pid = 999999999, process_start = 'x'").run();
  const RunRecord run = db.get_run(id);
  EXPECT_EQ(run.status, RunStatus::running);
  EXPECT_TRUE(run.orphaned);
  EXPECT_EQ(run.observed_status(), RunStatus::interrupted);
}

TEST_F(CommitPointTest, ConcurrentWritersAndReadersShareOneDatabase) {
  // Four writers (each its own connection, as separate processes have) record interleaved
  // short transactions while a reader queries; none fails with "database is locked".
  const std::string path = work_.file("shared.db");
  ResultsDb::open(path, Access::read_write);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int w = 0; w < 4; ++w)
    threads.emplace_back([&, w] {
      try {
        ResultsDb db = ResultsDb::open(path, Access::read_write);
        RunInfo info;
        info.kind = RunKind::search;
        info.name = "writer" + std::to_string(w);
        info.config_text = "x";
        info.config_hash = "h";
        info.host = "test";
        info.bitnas_version = "test";
        const std::int64_t run = db.begin_run(info);
        for (int step = 0; step < 50; ++step) {
          Transaction t = db.transaction();
          GenotypeRecord g;
          g.hash = "g" + std::to_string(step % 7);
          g.canonical = "normal_0=[('none', 0, 1)]";
          SampleInfo s;
          s.step = step;
          s.genotype_id = db.upsert_genotype(g);
          s.reward = 0.5;
          db.record_sample(run, s);
          t.commit();
        }
        db.finish_run(run, RunStatus::finished);
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  threads.emplace_back([&] {
    try {
      for (int i = 0; i < 50; ++i) ResultsDb::open(path, Access::read_only).list_runs();
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      ++failures;
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  ResultsDb db = ResultsDb::open(path, Access::read_only);
  ASSERT_EQ(db.list_runs().size(), 4u);
  for (const RunRecord& r : db.list_runs()) EXPECT_EQ(db.samples(r.id).size(), 50u) << r.info.name;
}

TEST_F(CommitPointTest, ForeignSqliteFileIsRefusedNotMigrated) {
  const std::string path = work_.file("foreign.db");
  {
    SqliteConnection raw(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    raw.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
  }
  const std::string error = testing::error_of([&] { ResultsDb::open(path, Access::read_write); });
  EXPECT_TRUE(testing::contains(error, "foreign.db")) << error;
  EXPECT_TRUE(testing::contains(error, "another program")) << error;
  SqliteConnection raw(path, SQLITE_OPEN_READONLY);
  SqliteStatement tables(raw, "SELECT count(*) FROM sqlite_schema");
  tables.step();
  EXPECT_EQ(tables.column_int64(0), 1);  // untouched
}

}  // namespace
}  // namespace bitnas

// The results database: creation and migration (from nothing, from an older version, a failed
// migration), connection settings, constraints, the upserts a resumed run relies on,
// read-only access, and a reader and a second writer next to a writer's open transaction.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/migrations.hpp"
#include "storage/results_db.hpp"
#include "storage/results_schema.hpp"
#include "storage/sqlite_statement.hpp"
#include "tests/support/data_files.hpp"
#include "tests/support/error_text.hpp"  // TempDir, write_plain

namespace bitnas {
namespace {

using testing::contains;
using testing::error_of;

using testing::TempDir;

std::string single_text(const SqliteConnection& db, std::string_view sql) {
  SqliteStatement query(db, sql);
  EXPECT_TRUE(query.step()) << sql;
  return query.column_text(0);
}

// type, name and SQL of every schema object, in name order.
std::vector<std::string> schema_of(const SqliteConnection& db) {
  SqliteStatement query(db, "SELECT type || ' ' || name || ': ' || ifnull(sql, '') "
                            "FROM sqlite_master ORDER BY name");
  std::vector<std::string> out;
  while (query.step()) out.push_back(query.column_text(0));
  return out;
}

RunInfo sample_run(std::string config_hash = "cfg-1") {
  RunInfo info;
  info.kind = RunKind::search;
  info.name = "spos fashion-mnist";
  info.config_text = "search:\n  controller: evolution\n";
  info.config_hash = std::move(config_hash);
  info.seed = 1234;
  info.host = "test-host";
  info.bitnas_version = "0.1.0";
  info.threads = 2;
  return info;
}

EpochMetrics epoch(std::int64_t number) {
  EpochMetrics m;
  m.epoch = number;
  return m;
}

GenotypeRecord genotype(std::string hash, std::string canonical) {
  GenotypeRecord g;
  g.hash = std::move(hash);
  g.canonical = std::move(canonical);
  return g;
}

TEST(ResultsDbSchema, NewFileGetsTheCurrentSchema) {
  TempDir dir;
  ResultsDb db = ResultsDb::open(dir.file("r.db"), Access::read_write);
  EXPECT_EQ(db.schema_version(), results_schema_version());
  SqliteStatement tables(db.connection(),
                         "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
                         "WHERE type = 'table' ORDER BY name)");
  ASSERT_TRUE(tables.step());
  EXPECT_EQ(tables.column_text(0),
            "checkpoints,epoch_metrics,genotypes,results,runs,samples,search_epochs");
}

TEST(ResultsDbSchema, MigratesAnEmptyFileFromVersionZero) {
  TempDir dir;
  testing::write_plain(dir.file("empty.db"), {});
  ResultsDb db = ResultsDb::open(dir.file("empty.db"), Access::read_write);
  EXPECT_EQ(db.schema_version(), results_schema_version());
  EXPECT_EQ(db.list_runs().size(), 0u);
}

// A version-1 file made without ResultsDb, with data in it, must reach the current version
// with its data intact and the same schema as a file created new.
TEST(ResultsDbSchema, MigratesAHandMadeVersionOneFile) {
  TempDir dir;
  {
    SqliteConnection raw(dir.file("v1.db"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    apply_migrations(raw, results_schema_migrations().first(1));
    ASSERT_EQ(read_schema_version(raw), 1);
    SqliteStatement run(raw,
                        "INSERT INTO runs (kind, name, config_text, config_hash, seed, host, "
                        "bitnas_version, threads) VALUES ('train', ?1, '', 'h', 7, 'old', "
                        "'0.0.9', 1)");
    run.bind(1, "from version 1").run();
    SqliteStatement epoch(raw, "INSERT INTO epoch_metrics (run_id, epoch, valid_acc) "
                               "VALUES (1, 0, ?1)");
    epoch.bind(1, 0.75).run();
  }
  ResultsDb db = ResultsDb::open(dir.file("v1.db"), Access::read_write);
  EXPECT_EQ(db.schema_version(), results_schema_version());
  EXPECT_EQ(db.get_run(1).info.name, "from version 1");
  ASSERT_EQ(db.epochs(1).size(), 1u);
  EXPECT_EQ(db.epochs(1)[0].valid_acc, 0.75);

  ResultsDb fresh = ResultsDb::open(dir.file("fresh.db"), Access::read_write);
  EXPECT_EQ(schema_of(db.connection()), schema_of(fresh.connection()));
}

// Files in the wild were made by the released scripts; changing one would give old and new
// files different schemas under the same version number.
TEST(ResultsDbSchema, ReleasedMigrationsNeverChange) {
  const std::vector<std::uint32_t> released = {0x55185fe0u, 0xc6a4626fu};
  const auto migrations = results_schema_migrations();
  ASSERT_GE(migrations.size(), released.size());
  for (std::size_t i = 0; i < released.size(); ++i) {
    const auto crc = static_cast<std::uint32_t>(::crc32_z(
        0, reinterpret_cast<const Bytef*>(migrations[i].data()), migrations[i].size()));
    EXPECT_EQ(crc, released[i]) << "migration to version " << i + 1
                                << " was edited; append a new migration instead";
  }
}

TEST(ResultsDbSchema, FailedMigrationLeavesThePreviousVersion) {
  TempDir dir;
  SqliteConnection db(dir.file("m.db"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const std::string_view first[] = {"CREATE TABLE a (x INTEGER);"};
  apply_migrations(db, first);
  const std::string_view broken[] = {
      first[0], "CREATE TABLE b (y INTEGER); INSERT INTO no_such_table VALUES (1);"};
  const std::string msg = error_of([&] { apply_migrations(db, broken); });
  EXPECT_TRUE(contains(msg, "migrating schema version 1 to 2 failed, the database stays at "
                            "version 1")) << msg;
  EXPECT_TRUE(contains(msg, "no such table: no_such_table")) << msg;
  EXPECT_EQ(read_schema_version(db), 1);
  EXPECT_EQ(single_text(db, "SELECT count(*) FROM sqlite_master WHERE name = 'b'"), "0");
}

TEST(ResultsDbSchema, AppliesOnlyTheMissingMigrations) {
  TempDir dir;
  SqliteConnection db(dir.file("m.db"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // Re-running the first script would fail: its table exists.
  const std::string_view v1[] = {"CREATE TABLE a (x INTEGER);"};
  const std::string_view v2[] = {v1[0], "ALTER TABLE a ADD COLUMN y TEXT;"};
  apply_migrations(db, v1);
  apply_migrations(db, v2);
  EXPECT_EQ(read_schema_version(db), 2);
  apply_migrations(db, v2);  // nothing to do
  EXPECT_TRUE(contains(error_of([&] { apply_migrations(db, v1); }), "newer than this build"));
}

TEST(ResultsDb, ConnectionUsesWalForeignKeysAndBusyTimeout) {
  TempDir dir;
  ResultsDb db = ResultsDb::open(dir.file("r.db"), Access::read_write);
  const SqliteConnection& c = db.connection();
  EXPECT_EQ(single_text(c, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(single_text(c, "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(single_text(c, "PRAGMA busy_timeout"), "60000");
  EXPECT_EQ(single_text(c, "PRAGMA synchronous"), "1");  // NORMAL

  ResultsDb reader = ResultsDb::open(dir.file("r.db"), Access::read_only);
  EXPECT_EQ(single_text(reader.connection(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(single_text(reader.connection(), "PRAGMA busy_timeout"), "60000");
}

TEST(ResultsDb, ForeignKeysAreEnforced) {
  TempDir dir;
  const std::string path = dir.file("r.db");
  ResultsDb db = ResultsDb::open(path, Access::read_write);
  const std::string msg = error_of([&] { db.record_epoch(999, EpochMetrics{}); });
  EXPECT_TRUE(contains(msg, path)) << msg;
  EXPECT_TRUE(contains(msg, "FOREIGN KEY constraint failed")) << msg;
  const std::int64_t run = db.begin_run(sample_run());
  EXPECT_TRUE(contains(error_of([&] { db.record_result(run, {12345, "top1", "test", 0.5}); }),
                       "FOREIGN KEY constraint failed"));
  EXPECT_TRUE(db.epochs(999).empty());
}

TEST(ResultsDb, RunLifecycle) {
  TempDir dir;
  ResultsDb db = ResultsDb::open(dir.file("r.db"), Access::read_write);
  const RunInfo info = sample_run();
  const std::int64_t id = db.begin_run(info);
  RunRecord run = db.get_run(id);
  EXPECT_EQ(run.info.kind, RunKind::search);
  EXPECT_EQ(run.info.name, info.name);
  EXPECT_EQ(run.info.config_text, info.config_text);
  EXPECT_EQ(run.info.seed, 1234u);
  EXPECT_EQ(run.info.threads, 2);
  EXPECT_EQ(run.status, RunStatus::running);
  EXPECT_FALSE(run.finished_at);
  EXPECT_EQ(run.started_at.size(), std::string("2024-01-02T03:04:05.678Z").size()) << run.started_at;

  db.finish_run(id, RunStatus::finished);
  run = db.get_run(id);
  EXPECT_EQ(run.status, RunStatus::finished);
  EXPECT_TRUE(run.finished_at);
  EXPECT_TRUE(contains(error_of([&] { db.finish_run(id, RunStatus::failed); }),
                       "run " + std::to_string(id) + " is already finished"));
  db.adopt_run(id);
  EXPECT_EQ(db.get_run(id).status, RunStatus::running);
  EXPECT_FALSE(db.get_run(id).finished_at);
  db.finish_run(id, RunStatus::interrupted);
  EXPECT_EQ(db.get_run(id).status, RunStatus::interrupted);

  EXPECT_THROW(db.finish_run(id, RunStatus::running), std::invalid_argument);
  EXPECT_TRUE(contains(error_of([&] { db.get_run(999); }), "no run 999"));
  EXPECT_TRUE(contains(error_of([&] { db.finish_run(999, RunStatus::failed); }), "no run 999"));
  RunInfo huge_seed = info;
  huge_seed.seed = ~std::uint64_t{0};
  EXPECT_THROW(db.begin_run(huge_seed), std::invalid_argument);

  const std::int64_t later = db.begin_run(info);
  db.begin_run(sample_run("cfg-2"));
  EXPECT_EQ(db.find_run(RunKind::search, "cfg-1")->id, later);
  EXPECT_FALSE(db.find_run(RunKind::train, "cfg-1"));
  ASSERT_EQ(db.list_runs().size(), 3u);
  EXPECT_EQ(db.list_runs()[0].id, id);
}

TEST(ResultsDb, RecordingAnEpochAgainReplacesIt) {
  TempDir dir;
  ResultsDb db = ResultsDb::open(dir.file("r.db"), Access::read_write);
  const std::int64_t run = db.begin_run(sample_run());
  EpochMetrics e0 = epoch(0), e1 = epoch(1);
  e0.train_loss = 2.0, e0.valid_acc = 0.3, e0.lr = 0.01;
  e1.train_loss = 1.5, e1.valid_acc = 0.4, e1.lr = 0.01;
  db.record_epoch(run, e0);
  db.record_epoch(run, e1);
  // The resumed run redoes epoch 1 and does not measure valid_acc this time.
  EpochMetrics redone = epoch(1);
  redone.train_loss = 1.4, redone.wall_s = 12.5;
  db.record_epoch(run, redone);
  const auto epochs = db.epochs(run);
  ASSERT_EQ(epochs.size(), 2u);
  EXPECT_EQ(epochs[0].train_loss, 2.0);
  EXPECT_EQ(epochs[1].epoch, 1);
  EXPECT_EQ(epochs[1].train_loss, 1.4);
  EXPECT_FALSE(epochs[1].valid_acc);
  EXPECT_EQ(epochs[1].wall_s, 12.5);
}

TEST(ResultsDb, GenotypesAreKeyedByHash) {
  TempDir dir;
  ResultsDb db = ResultsDb::open(dir.file("r.db"), Access::read_write);
  const GenotypeRecord g = genotype("9f3a", "normal_0=[('skip_connect', 0, 2)]");
  const std::int64_t id = db.upsert_genotype(g);
  EXPECT_FALSE(db.get_genotype(id).flops);

  GenotypeRecord counted = g;
  counted.flops = 1000;
  counted.bops = 6400;
  counted.ops = 1100.0;
  EXPECT_EQ(db.upsert_genotype(counted), id);
  EXPECT_EQ(db.get_genotype(id).flops, 1000);  // filled in
  counted.flops = 5;
  db.upsert_genotype(counted);
  EXPECT_EQ(db.get_genotype(id).flops, 1000);  // stored costs win
  EXPECT_EQ(db.get_genotype(id).ops, 1100.0);
  EXPECT_EQ(db.find_genotype("9f3a"), id);
  EXPECT_FALSE(db.find_genotype("0000"));

  GenotypeRecord other = g;
  other.canonical = "normal_0=[('avg_pool_3x3', 0, 2)]";
  const std::string msg = error_of([&] { db.upsert_genotype(other); });
  EXPECT_TRUE(contains(msg, "genotype hash 9f3a is stored for " + g.canonical)) << msg;
  EXPECT_EQ(db.get_genotype(id).canonical, g.canonical);
}

TEST(ResultsDb, ResultsAndCheckpointsReplaceTheRowOfTheirKey) {
  TempDir dir;
  ResultsDb db = ResultsDb::open(dir.file("r.db"), Access::read_write);
  const std::int64_t run = db.begin_run(sample_run());
  const std::int64_t g = db.upsert_genotype(genotype("ab", "c"));
  const std::int64_t plain = db.record_result(run, {std::nullopt, "top1", "test", 0.50});
  EXPECT_EQ(db.record_result(run, {std::nullopt, "top1", "test", 0.55}), plain);
  const std::int64_t of_g = db.record_result(run, {g, "top1", "test", 0.9});
  EXPECT_NE(of_g, plain);
  db.record_result(run, {g, "top1", "valid", 0.8});
  const auto results = db.results(run);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].info.value, 0.55);
  EXPECT_FALSE(results[0].info.genotype_id);
  EXPECT_EQ(results[1].info.genotype_id, g);

  // {epoch, step, path, checksum, bytes}
  db.record_checkpoint(run, {1, 10, dir.file("last.ckpt"), "crc32:00000001", 100});
  db.record_checkpoint(run, {2, 20, dir.file("last.ckpt"), "crc32:00000002", 100});
  db.record_checkpoint(run, {2, 20, "relative/best.ckpt", "crc32:00000003", 90});
  EXPECT_THROW(db.record_checkpoint(run, {2, 20, "", "crc32:00000004", 1}), std::invalid_argument);
  const auto checkpoints = db.checkpoints(run);
  ASSERT_EQ(checkpoints.size(), 2u);
  EXPECT_EQ(checkpoints[0].info.checksum, "crc32:00000002");
  EXPECT_EQ(checkpoints[0].info.epoch, 2);
  EXPECT_EQ(checkpoints[1].info.path,
            (std::filesystem::current_path() / "relative/best.ckpt").string());
}

TEST(ResultsDb, TransactionRollsBackUnlessCommitted) {
  TempDir dir;
  ResultsDb db = ResultsDb::open(dir.file("r.db"), Access::read_write);
  const std::int64_t run = db.begin_run(sample_run());
  {
    Transaction tx = db.transaction();
    db.record_epoch(run, epoch(0));
  }
  EXPECT_TRUE(db.epochs(run).empty());
  {
    Transaction tx = db.transaction();
    db.record_epoch(run, epoch(0));
    db.record_epoch(run, epoch(1));
    tx.commit();
  }
  EXPECT_EQ(db.epochs(run).size(), 2u);
}

TEST(ResultsDb, ReadOnlyCanQueryButNotWrite) {
  TempDir dir;
  const std::string path = dir.file("r.db");
  std::int64_t run = 0;
  {
    ResultsDb writer = ResultsDb::open(path, Access::read_write);
    run = writer.begin_run(sample_run());
    EpochMetrics e = epoch(0);
    e.valid_acc = 0.5;
    writer.record_epoch(run, e);
  }
  ResultsDb db = ResultsDb::open(path, Access::read_only);
  EXPECT_EQ(db.access(), Access::read_only);
  EXPECT_EQ(db.list_runs().size(), 1u);
  EXPECT_EQ(db.epochs(run)[0].valid_acc, 0.5);
  const std::vector<std::function<void()>> writes = {
      [&] { db.begin_run(sample_run()); },
      [&] { db.record_epoch(run, epoch(1)); },
      [&] { db.finish_run(run, RunStatus::failed); },
      [&] { db.upsert_genotype(genotype("x", "y")); }};
  for (std::size_t i = 0; i < writes.size(); ++i) {
    const std::string msg = error_of(writes[i]);
    EXPECT_TRUE(contains(msg, "attempt to write a readonly database")) << i << ": " << msg;
    EXPECT_TRUE(contains(msg, path)) << msg;
  }
  const std::string msg = error_of([&] { Transaction tx = db.transaction(); });
  EXPECT_TRUE(contains(msg, "is open read-only: cannot begin a transaction")) << msg;
  EXPECT_EQ(db.epochs(run).size(), 1u);
  EXPECT_EQ(db.get_run(run).status, RunStatus::running);
}

TEST(ResultsDb, ReadOnlyRefusesAMissingFile) {
  TempDir dir;
  const std::string path = dir.file("absent.db");
  const std::string msg = error_of([&] { ResultsDb::open(path, Access::read_only); });
  EXPECT_TRUE(contains(msg, "results database '" + path + "' does not exist")) << msg;
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ResultsDb, RefusesSchemaVersionsItCannotRead) {
  TempDir dir;
  const std::string old_path = dir.file("old.db");
  testing::write_plain(old_path, {});  // version 0
  const std::string old_msg = error_of([&] { ResultsDb::open(old_path, Access::read_only); });
  EXPECT_TRUE(contains(old_msg, "has schema version 0, older than this build reads")) << old_msg;

  const std::string new_path = dir.file("new.db");
  {
    SqliteConnection raw(new_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    raw.execute("PRAGMA user_version = " + std::to_string(results_schema_version() + 1));
  }
  for (Access access : {Access::read_only, Access::read_write}) {
    const std::string msg = error_of([&] { ResultsDb::open(new_path, access); });
    EXPECT_TRUE(contains(msg, new_path)) << msg;
    EXPECT_TRUE(contains(msg, "newer than this build")) << msg;
  }
}

TEST(ResultsDb, OtherFilesAreRefusedByName) {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  const std::string text(200, 'x');
  testing::write_plain(path, testing::Bytes(text.begin(), text.end()));
  const std::string msg = error_of([&] { ResultsDb::open(path, Access::read_write); });
  EXPECT_TRUE(contains(msg, path)) << msg;
  EXPECT_TRUE(contains(msg, "file is not a database")) << msg;
}

// WAL: a reader sees the last commit without waiting for a writer's open transaction, and a
// second writer waits (busy timeout) for the first to commit instead of failing.
TEST(ResultsDb, ReaderAndSecondWriterBesideAnOpenTransaction) {
  using Clock = std::chrono::steady_clock;
  TempDir dir;
  const std::string path = dir.file("r.db");
  ResultsDb writer = ResultsDb::open(path, Access::read_write);
  const std::int64_t run = writer.begin_run(sample_run());
  ResultsDb reader = ResultsDb::open(path, Access::read_only);
  ResultsDb second = ResultsDb::open(path, Access::read_write);
  {
    Transaction tx = writer.transaction();
    writer.record_epoch(run, epoch(0));

    auto start = Clock::now();
    EXPECT_TRUE(reader.epochs(run).empty());  // the uncommitted epoch is invisible
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1000));

    constexpr auto kHold = std::chrono::milliseconds(300);
    start = Clock::now();
    std::thread committer([&] {
      std::this_thread::sleep_for(kHold);
      tx.commit();
    });
    // Blocks until the commit; caught, so the thread is joined whatever happens.
    const std::string second_error = error_of([&] { second.record_epoch(run, epoch(1)); });
    const auto waited = Clock::now() - start;
    committer.join();
    EXPECT_EQ(second_error, "no error");
    EXPECT_GE(waited, kHold - std::chrono::milliseconds(50));
    EXPECT_LT(waited, std::chrono::milliseconds(4000));
  }
  EXPECT_EQ(reader.epochs(run).size(), 2u);
}

}  // namespace
}  // namespace bitnas

namespace bitnas {
namespace {

TEST(ResultsDbSearch, SamplesAndSearchEpochsRoundTrip) {
  testing::TempDir dir;
  ResultsDb db = ResultsDb::open(dir.file("s.db"), Access::read_write);
  RunInfo info;
  info.kind = RunKind::search;
  info.name = "s";
  info.config_text = "x";
  info.config_hash = "h";
  info.host = "host";
  info.bitnas_version = "0";
  const std::int64_t run = db.begin_run(info);
  GenotypeRecord g;
  g.hash = "abc";
  g.canonical = "normal_0=[('none', 0, 1)]";
  const std::int64_t gid = db.upsert_genotype(g);
  db.record_sample(run, SampleInfo{0, 0, 0, gid, 0.5, 1.25, std::nullopt});
  db.record_sample(run, SampleInfo{0, 1, 0, gid, 0.25, std::nullopt, 0.25});
  db.record_sample(run, SampleInfo{0, 0, 0, gid, 0.75, 1.0, 0.75});  // a resumed step rewrites
  const auto samples = db.samples(run);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].reward, 0.75);
  EXPECT_EQ(samples[1].accuracy, 0.25);
  EXPECT_FALSE(samples[1].loss);
  SearchEpochMetrics m;
  m.epoch = 0;
  m.mean_reward = 0.5;
  db.record_search_epoch(run, m);
  ASSERT_EQ(db.search_epochs(run).size(), 1u);
  EXPECT_EQ(db.search_epochs(run)[0].mean_reward, 0.5);
  EXPECT_ANY_THROW(db.record_sample(run, SampleInfo{1, 0, 0, gid + 7, 0.1, std::nullopt, std::nullopt}))
      << "foreign key to genotypes";
}

}  // namespace
}  // namespace bitnas

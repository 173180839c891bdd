#include "storage/results_db.hpp"

#include <limits>
#include <stdexcept>
#include <string>

#include "storage/migrations.hpp"
#include "storage/process_identity.hpp"
#include "storage/results_schema.hpp"
#include "storage/sqlite_statement.hpp"

namespace bitnas {
namespace {

std::string label(const std::filesystem::path& path) {
  return "results database '" + path.string() + "'";
}

// One pragma with a constant value; SQLite takes no bound parameters in pragmas.
std::string pragma(const SqliteConnection& db, std::string_view sql) {
  SqliteStatement statement(db, sql);
  return statement.step() ? statement.column_text(0) : std::string();
}

// Wait up to 60 s for another connection's lock instead of failing at once. Set first on every
// connection, before any other statement: even the application-id check of a file that another
// process is creating or migrating must wait, not fail with "database is locked".
void wait_for_other_writers(const SqliteConnection& db) {
  pragma(db, "PRAGMA busy_timeout = 60000");
}

void configure(const SqliteConnection& db, Access access) {
  pragma(db, "PRAGMA foreign_keys = ON");
  if (access == Access::read_only) return;  // the journal mode is stored in the file
  const std::string mode = pragma(db, "PRAGMA journal_mode = WAL");
  if (mode != "wal")
    throw std::runtime_error(label(db.path()) + ": cannot use WAL journal mode (got '" + mode +
                             "'); is it on a network file system?");
  pragma(db, "PRAGMA synchronous = NORMAL");
}

void check_version_for_reading(const std::filesystem::path& path, int version) {
  const int current = results_schema_version();
  if (version > current)
    throw std::runtime_error(label(path) + " has schema version " + std::to_string(version) +
                             ", newer than this build reads (" + std::to_string(current) +
                             "); use a newer bitnas");
  if (version < current)
    throw std::runtime_error(label(path) + " has schema version " + std::to_string(version) +
                             ", older than this build reads (" + std::to_string(current) +
                             "); open it read-write once (any train or search run) to migrate it");
}

// A BitNAS database carries our application id; one written before schema version 3 has
// none but has our runs table. Anything else (another program's SQLite file, or something that
// is not SQLite at all) is refused rather than migrated.
void check_application_id(const SqliteConnection& db) {
  std::int64_t id = 0;
  try {
    id = std::stoll(pragma(db, "PRAGMA application_id"));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(label(db.path()) + " is not a SQLite database (" + e.what() + ")");
  }
  if (id == results_application_id()) return;
  SqliteStatement tables(db, "SELECT count(*), count(*) FILTER (WHERE name = 'runs') "
                             "FROM sqlite_schema WHERE type = 'table'");
  tables.step();
  const bool empty = tables.column_int64(0) == 0;
  const bool ours_before_ids = id == 0 && tables.column_int64(1) == 1 &&
                               read_schema_version(db) >= 1 && read_schema_version(db) <= 2;
  if (!empty && !ours_before_ids)
    throw std::runtime_error(label(db.path()) +
                             " is a SQLite file of another program (application id " +
                             std::to_string(id) + "), not a BitNAS results database");
}

constexpr std::string_view kRunColumns =
    "id, kind, name, config_text, config_hash, seed, host, bitnas_version, threads, status, "
    "started_at, finished_at, run_dir, pid, process_start, heartbeat_at, "
    "(julianday('now') - julianday(coalesce(heartbeat_at, started_at))) * 86400.0";

RunRecord read_run(const SqliteStatement& row) {
  RunRecord r;
  r.id = row.column_int64(0);
  r.info.kind = parse_run_kind(row.column_text(1));
  r.info.name = row.column_text(2);
  r.info.config_text = row.column_text(3);
  r.info.config_hash = row.column_text(4);
  r.info.seed = static_cast<std::uint64_t>(row.column_int64(5));
  r.info.host = row.column_text(6);
  r.info.bitnas_version = row.column_text(7);
  r.info.threads = static_cast<int>(row.column_int64(8));
  r.status = parse_run_status(row.column_text(9));
  r.started_at = row.column_text(10);
  r.finished_at = row.column_optional_text(11);
  r.info.run_dir = row.column_optional_text(12);
  r.process.host = r.info.host;
  r.process.pid = row.column_optional_int64(13).value_or(0);
  r.process.start = row.column_optional_text(14).value_or("");
  r.heartbeat_at = row.column_optional_text(15);
  if (r.status == RunStatus::running) {
    const double silent_s = row.column_double(16);
    // Rows written before schema version 3 have no process: judged by their age alone.
    r.orphaned = r.process.host == this_process().host && r.process.pid > 0
                     ? !process_alive_here(r.process)
                     : silent_s > static_cast<double>(kHeartbeatTimeout.count());
  }
  return r;
}

std::vector<RunRecord> read_runs(SqliteStatement& query) {
  std::vector<RunRecord> runs;
  while (query.step()) runs.push_back(read_run(query));
  return runs;
}

// The one statement that returns a single id (RETURNING id) must return it.
std::int64_t returned_id(SqliteStatement& statement) {
  if (!statement.step()) throw std::logic_error("statement returned no id");
  const std::int64_t id = statement.column_int64(0);
  statement.run();
  return id;
}

}  // namespace

ResultsDb::ResultsDb(std::unique_ptr<SqliteConnection> db, Access access)
    : db_(std::move(db)), access_(access) {}

ResultsDb::~ResultsDb() = default;

ResultsDb ResultsDb::open(const std::filesystem::path& path, Access access) {
  if (access == Access::read_only) {
    // SQLite's own message for this is "unable to open database file".
    if (!std::filesystem::exists(path))
      throw std::runtime_error(label(path) +
                               " does not exist; a read-write open (any train or search run) "
                               "creates it");
    auto db = std::make_unique<SqliteConnection>(path, SQLITE_OPEN_READONLY);
    wait_for_other_writers(*db);
    int version = 0;
    try {
      configure(*db, access);
      version = read_schema_version(*db);
    } catch (const std::runtime_error& e) {
      // Reading a WAL file needs its -shm file, which SQLite creates when no connection has.
      if (sqlite3_errcode(db->handle()) != SQLITE_READONLY) throw;
      std::string message = e.what();
      message += " (a read-only open needs write access to the database's directory, for the "
                 "-shm file, unless a writer has it open)";
      throw std::runtime_error(message);
    }
    check_version_for_reading(path, version);
    check_application_id(*db);
    return ResultsDb(std::move(db), access);
  }
  auto db = std::make_unique<SqliteConnection>(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  wait_for_other_writers(*db);
  check_application_id(*db);
  configure(*db, access);
  apply_migrations(*db, results_schema_migrations());
  return ResultsDb(std::move(db), access);
}

Transaction ResultsDb::transaction() const {
  if (access_ == Access::read_only)
    throw std::runtime_error(label(path()) + " is open read-only: cannot begin a transaction");
  return Transaction(*db_);
}

int ResultsDb::schema_version() const { return read_schema_version(*db_); }

std::int64_t ResultsDb::begin_run(const RunInfo& info) {
  if (info.seed > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    throw std::invalid_argument("begin_run: seed " + std::to_string(info.seed) +
                                " is above the largest the results database stores (2^63 - 1)");
  SqliteStatement insert(*db_,
                         "INSERT INTO runs (kind, name, config_text, config_hash, seed, host, "
                         "bitnas_version, threads, run_dir, pid, process_start, heartbeat_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                         "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) RETURNING id");
  const ProcessIdentity process = this_process();
  insert.bind(1, std::string_view(to_string(info.kind)))
      .bind(2, info.name)
      .bind(3, info.config_text)
      .bind(4, info.config_hash)
      .bind(5, static_cast<std::int64_t>(info.seed))
      .bind(6, info.host)
      .bind(7, info.bitnas_version)
      .bind(8, info.threads)
      .bind(9, info.run_dir)
      .bind(10, static_cast<std::int64_t>(process.pid))
      .bind(11, process.start);
  return returned_id(insert);
}

void ResultsDb::finish_run(std::int64_t run_id, RunStatus status) {
  if (status == RunStatus::running)
    throw std::invalid_argument("finish_run: the final status cannot be 'running'");
  SqliteStatement update(*db_,
                         "UPDATE runs SET status = ?2, "
                         "finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                         "WHERE id = ?1 AND status = 'running' RETURNING id");
  update.bind(1, run_id).bind(2, std::string_view(to_string(status)));
  if (update.step()) {
    update.run();
    return;
  }
  const RunRecord run = get_run(run_id);  // throws if the run does not exist
  throw std::runtime_error(label(path()) + ": run " + std::to_string(run_id) + " is already " +
                           to_string(run.status) + "; resume_run it first");
}

void ResultsDb::adopt_run(std::int64_t run_id) {
  const ProcessIdentity process = this_process();
  SqliteStatement update(*db_,
                         "UPDATE runs SET status = 'running', finished_at = NULL, host = ?2, "
                         "pid = ?3, process_start = ?4, "
                         "heartbeat_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                         "WHERE id = ?1 RETURNING id");
  update.bind(1, run_id)
      .bind(2, process.host)
      .bind(3, static_cast<std::int64_t>(process.pid))
      .bind(4, process.start);
  if (!update.step())
    throw std::runtime_error(label(path()) + ": no run " + std::to_string(run_id));
  update.run();
}

void ResultsDb::heartbeat(std::int64_t run_id) {
  SqliteStatement update(*db_,
                         "UPDATE runs SET heartbeat_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                         "WHERE id = ?1");
  update.bind(1, run_id);
  update.run();
}

void ResultsDb::rewind_run(std::int64_t run_id, std::int64_t completed_epochs,
                           std::int64_t sample_steps) {
  Transaction t(*db_);
  for (std::string_view sql :
       {"DELETE FROM epoch_metrics WHERE run_id = ?1 AND epoch >= ?2",
        "DELETE FROM search_epochs WHERE run_id = ?1 AND epoch >= ?2",
        "DELETE FROM samples WHERE run_id = ?1 AND step >= ?3",
        "DELETE FROM results WHERE run_id = ?1",
        "DELETE FROM checkpoints WHERE run_id = ?1 AND epoch > ?2"}) {
    SqliteStatement remove(*db_, sql);
    remove.bind(1, run_id);
    if (sql.find("?2") != std::string_view::npos) remove.bind(2, completed_epochs);
    if (sql.find("?3") != std::string_view::npos) remove.bind(3, sample_steps);
    remove.run();
  }
  t.commit();
}

std::optional<RunRecord> ResultsDb::find_unfinished_run(RunKind kind,
                                                        std::string_view run_dir) const {
  SqliteStatement query(*db_, "SELECT " + std::string(kRunColumns) +
                                  " FROM runs WHERE kind = ?1 AND run_dir = ?2 "
                                  "AND status <> 'finished' ORDER BY id DESC LIMIT 1");
  query.bind(1, std::string_view(to_string(kind))).bind(2, run_dir);
  if (!query.step()) return std::nullopt;
  return read_run(query);
}

RunRecord ResultsDb::get_run(std::int64_t run_id) const {
  SqliteStatement query(*db_, "SELECT " + std::string(kRunColumns) + " FROM runs WHERE id = ?1");
  query.bind(1, run_id);
  if (!query.step())
    throw std::runtime_error(label(path()) + ": no run " + std::to_string(run_id));
  return read_run(query);
}

std::optional<RunRecord> ResultsDb::find_run(RunKind kind, std::string_view config_hash) const {
  SqliteStatement query(*db_, "SELECT " + std::string(kRunColumns) +
                                  " FROM runs WHERE kind = ?1 AND config_hash = ?2 "
                                  "ORDER BY id DESC LIMIT 1");
  query.bind(1, std::string_view(to_string(kind))).bind(2, config_hash);
  if (!query.step()) return std::nullopt;
  return read_run(query);
}

std::vector<RunRecord> ResultsDb::list_runs() const {
  SqliteStatement query(*db_, "SELECT " + std::string(kRunColumns) + " FROM runs ORDER BY id");
  return read_runs(query);
}

std::int64_t ResultsDb::upsert_genotype(const GenotypeRecord& g) {
  // The WHERE makes a different genotype under the same hash return no row, not an update.
  SqliteStatement upsert(
      *db_,
      "INSERT INTO genotypes (hash, canonical, num_init_nodes, fp_params, binary_params, flops, "
      "bops, ops, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT (hash) DO UPDATE SET "
      "fp_params = coalesce(fp_params, excluded.fp_params), "
      "binary_params = coalesce(binary_params, excluded.binary_params), "
      "flops = coalesce(flops, excluded.flops), bops = coalesce(bops, excluded.bops), "
      "ops = coalesce(ops, excluded.ops), bytes = coalesce(bytes, excluded.bytes) "
      "WHERE canonical = excluded.canonical AND num_init_nodes = excluded.num_init_nodes "
      "RETURNING id");
  upsert.bind(1, g.hash)
      .bind(2, g.canonical)
      .bind(3, g.num_init_nodes)
      .bind(4, g.fp_params)
      .bind(5, g.binary_params)
      .bind(6, g.flops)
      .bind(7, g.bops)
      .bind(8, g.ops)
      .bind(9, g.bytes);
  if (upsert.step()) {
    const std::int64_t id = upsert.column_int64(0);
    upsert.run();
    return id;
  }
  const GenotypeRecord stored = get_genotype(*find_genotype(g.hash));
  throw std::runtime_error(label(path()) + ": genotype hash " + g.hash + " is stored for " +
                           stored.canonical + " (" + std::to_string(stored.num_init_nodes) +
                           " init nodes), not " + g.canonical + " (" +
                           std::to_string(g.num_init_nodes) + ")");
}

std::optional<std::int64_t> ResultsDb::find_genotype(std::string_view hash) const {
  SqliteStatement query(*db_, "SELECT id FROM genotypes WHERE hash = ?1");
  query.bind(1, hash);
  if (!query.step()) return std::nullopt;
  return query.column_int64(0);
}

GenotypeRecord ResultsDb::get_genotype(std::int64_t genotype_id) const {
  SqliteStatement query(*db_,
                        "SELECT hash, canonical, num_init_nodes, fp_params, binary_params, "
                        "flops, bops, ops, bytes FROM genotypes WHERE id = ?1");
  query.bind(1, genotype_id);
  if (!query.step())
    throw std::runtime_error(label(path()) + ": no genotype " + std::to_string(genotype_id));
  GenotypeRecord g;
  g.hash = query.column_text(0);
  g.canonical = query.column_text(1);
  g.num_init_nodes = static_cast<int>(query.column_int64(2));
  g.fp_params = query.column_optional_int64(3);
  g.binary_params = query.column_optional_int64(4);
  g.flops = query.column_optional_int64(5);
  g.bops = query.column_optional_int64(6);
  g.ops = query.column_optional_double(7);
  g.bytes = query.column_optional_double(8);
  return g;
}

void ResultsDb::record_epoch(std::int64_t run_id, const EpochMetrics& m) {
  SqliteStatement upsert(
      *db_,
      "INSERT INTO epoch_metrics (run_id, epoch, train_loss, train_acc, valid_loss, valid_acc, "
      "test_acc, lr, images_per_s, wall_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
      "ON CONFLICT (run_id, epoch) DO UPDATE SET "
      "train_loss = excluded.train_loss, train_acc = excluded.train_acc, "
      "valid_loss = excluded.valid_loss, valid_acc = excluded.valid_acc, "
      "test_acc = excluded.test_acc, lr = excluded.lr, "
      "images_per_s = excluded.images_per_s, wall_s = excluded.wall_s");
  upsert.bind(1, run_id)
      .bind(2, m.epoch)
      .bind(3, m.train_loss)
      .bind(4, m.train_acc)
      .bind(5, m.valid_loss)
      .bind(6, m.valid_acc)
      .bind(7, m.test_acc)
      .bind(8, m.lr)
      .bind(9, m.images_per_s)
      .bind(10, m.wall_s);
  upsert.run();
}

std::vector<EpochMetrics> ResultsDb::epochs(std::int64_t run_id) const {
  SqliteStatement query(*db_,
                        "SELECT epoch, train_loss, train_acc, valid_loss, valid_acc, test_acc, "
                        "lr, images_per_s, wall_s FROM epoch_metrics WHERE run_id = ?1 "
                        "ORDER BY epoch");
  query.bind(1, run_id);
  std::vector<EpochMetrics> out;
  while (query.step()) {
    EpochMetrics m;
    m.epoch = query.column_int64(0);
    m.train_loss = query.column_optional_double(1);
    m.train_acc = query.column_optional_double(2);
    m.valid_loss = query.column_optional_double(3);
    m.valid_acc = query.column_optional_double(4);
    m.test_acc = query.column_optional_double(5);
    m.lr = query.column_optional_double(6);
    m.images_per_s = query.column_optional_double(7);
    m.wall_s = query.column_optional_double(8);
    out.push_back(m);
  }
  return out;
}

void ResultsDb::record_sample(std::int64_t run_id, const SampleInfo& x) {
  SqliteStatement upsert(
      *db_,
      "INSERT INTO samples (run_id, step, idx, epoch, genotype_id, reward, loss, accuracy) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (run_id, step, idx) DO UPDATE SET "
      "epoch = excluded.epoch, genotype_id = excluded.genotype_id, reward = excluded.reward, "
      "loss = excluded.loss, accuracy = excluded.accuracy, recorded_at = excluded.recorded_at");
  upsert.bind(1, run_id)
      .bind(2, x.step)
      .bind(3, x.index)
      .bind(4, x.epoch)
      .bind(5, x.genotype_id)
      .bind(6, x.reward)
      .bind(7, x.loss)
      .bind(8, x.accuracy);
  upsert.run();
}

std::vector<SampleInfo> ResultsDb::samples(std::int64_t run_id) const {
  SqliteStatement query(*db_,
                        "SELECT step, idx, epoch, genotype_id, reward, loss, accuracy FROM samples "
                        "WHERE run_id = ?1 ORDER BY step, idx");
  query.bind(1, run_id);
  std::vector<SampleInfo> out;
  while (query.step()) {
    SampleInfo x;
    x.step = query.column_int64(0);
    x.index = query.column_int64(1);
    x.epoch = query.column_int64(2);
    x.genotype_id = query.column_int64(3);
    x.reward = query.column_double(4);
    x.loss = query.column_optional_double(5);
    x.accuracy = query.column_optional_double(6);
    out.push_back(x);
  }
  return out;
}

void ResultsDb::record_search_epoch(std::int64_t run_id, const SearchEpochMetrics& m) {
  SqliteStatement upsert(
      *db_,
      "INSERT INTO search_epochs (run_id, epoch, supernet_loss, supernet_acc, mean_reward, "
      "best_reward, controller_loss, samples_per_s, wall_s) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (run_id, epoch) DO UPDATE SET "
      "supernet_loss = excluded.supernet_loss, supernet_acc = excluded.supernet_acc, "
      "mean_reward = excluded.mean_reward, best_reward = excluded.best_reward, "
      "controller_loss = excluded.controller_loss, samples_per_s = excluded.samples_per_s, "
      "wall_s = excluded.wall_s");
  upsert.bind(1, run_id)
      .bind(2, m.epoch)
      .bind(3, m.supernet_loss)
      .bind(4, m.supernet_acc)
      .bind(5, m.mean_reward)
      .bind(6, m.best_reward)
      .bind(7, m.controller_loss)
      .bind(8, m.samples_per_s)
      .bind(9, m.wall_s);
  upsert.run();
}

std::vector<SearchEpochMetrics> ResultsDb::search_epochs(std::int64_t run_id) const {
  SqliteStatement query(*db_,
                        "SELECT epoch, supernet_loss, supernet_acc, mean_reward, best_reward, "
                        "controller_loss, samples_per_s, wall_s FROM search_epochs "
                        "WHERE run_id = ?1 ORDER BY epoch");
  query.bind(1, run_id);
  std::vector<SearchEpochMetrics> out;
  while (query.step()) {
    SearchEpochMetrics m;
    m.epoch = query.column_int64(0);
    m.supernet_loss = query.column_optional_double(1);
    m.supernet_acc = query.column_optional_double(2);
    m.mean_reward = query.column_optional_double(3);
    m.best_reward = query.column_optional_double(4);
    m.controller_loss = query.column_optional_double(5);
    m.samples_per_s = query.column_optional_double(6);
    m.wall_s = query.column_optional_double(7);
    out.push_back(m);
  }
  return out;
}

std::int64_t ResultsDb::record_result(std::int64_t run_id, const ResultInfo& r) {
  SqliteStatement upsert(*db_,
                         "INSERT INTO results (run_id, genotype_id, metric, split, value) "
                         "VALUES (?1, ?2, ?3, ?4, ?5) "
                         "ON CONFLICT (run_id, ifnull(genotype_id, 0), metric, split) "
                         "DO UPDATE SET value = excluded.value, recorded_at = excluded.recorded_at "
                         "RETURNING id");
  upsert.bind(1, run_id).bind(2, r.genotype_id).bind(3, r.metric).bind(4, r.split).bind(5, r.value);
  return returned_id(upsert);
}

std::vector<ResultRecord> ResultsDb::results(std::int64_t run_id) const {
  SqliteStatement query(*db_,
                        "SELECT id, genotype_id, metric, split, value, recorded_at FROM results "
                        "WHERE run_id = ?1 ORDER BY id");
  query.bind(1, run_id);
  std::vector<ResultRecord> out;
  while (query.step()) {
    ResultRecord r;
    r.id = query.column_int64(0);
    r.info.genotype_id = query.column_optional_int64(1);
    r.info.metric = query.column_text(2);
    r.info.split = query.column_text(3);
    r.info.value = query.column_double(4);
    r.recorded_at = query.column_text(5);
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t ResultsDb::record_checkpoint(std::int64_t run_id, const CheckpointInfo& c) {
  if (c.path.empty()) throw std::invalid_argument("record_checkpoint: empty checkpoint path");
  const std::string path = std::filesystem::absolute(c.path).lexically_normal().string();
  SqliteStatement upsert(*db_,
                         "INSERT INTO checkpoints (run_id, epoch, step, path, checksum, bytes) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                         "ON CONFLICT (run_id, path) DO UPDATE SET epoch = excluded.epoch, "
                         "step = excluded.step, checksum = excluded.checksum, "
                         "bytes = excluded.bytes, created_at = excluded.created_at "
                         "RETURNING id");
  upsert.bind(1, run_id)
      .bind(2, c.epoch)
      .bind(3, c.step)
      .bind(4, path)
      .bind(5, c.checksum)
      .bind(6, c.bytes);
  return returned_id(upsert);
}

std::vector<CheckpointRecord> ResultsDb::checkpoints(std::int64_t run_id) const {
  SqliteStatement query(*db_,
                        "SELECT id, epoch, step, path, checksum, bytes, created_at "
                        "FROM checkpoints WHERE run_id = ?1 ORDER BY epoch, step, id");
  query.bind(1, run_id);
  std::vector<CheckpointRecord> out;
  while (query.step()) {
    CheckpointRecord c;
    c.id = query.column_int64(0);
    c.info.epoch = query.column_int64(1);
    c.info.step = query.column_int64(2);
    c.info.path = query.column_text(3);
    c.info.checksum = query.column_text(4);
    c.info.bytes = query.column_int64(5);
    c.created_at = query.column_text(6);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace bitnas

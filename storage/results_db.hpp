#pragma once
// The results database: one SQLite file that every run (train, search, derive, eval) records
// into and queries (or a sqlite3 shell) read. Tables and rules: docs/DATABASE.md.
//
// Connections use WAL (readers never block the writer nor each other), a 60 s busy timeout
// (a second writer waits instead of failing), foreign keys ON and synchronous=NORMAL (a power
// loss may drop the last commits but never corrupts the file). Not thread-safe: one ResultsDb
// per thread; any number of processes may open the same file.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "storage/result_records.hpp"
#include "storage/sqlite_connection.hpp"
#include "storage/transaction.hpp"

namespace bitnas {

enum class Access { read_write, read_only };

class ResultsDb {
 public:
  // read_write creates the file if needed and migrates it to the current schema. read_only
  // opens with SQLITE_OPEN_READONLY and refuses a missing file or any other schema version.
  // Throws std::runtime_error naming the file.
  static ResultsDb open(const std::filesystem::path& path, Access access);

  ResultsDb(ResultsDb&&) noexcept = default;
  ResultsDb& operator=(ResultsDb&&) noexcept = default;
  ~ResultsDb();

  const std::filesystem::path& path() const { return db_->path(); }
  Access access() const { return access_; }
  int schema_version() const;
  // For queries this API does not have; values still go through SqliteStatement::bind.
  const SqliteConnection& connection() const { return *db_; }
  // Groups several records into one atomic commit (e.g. an epoch's metrics and its checkpoint).
  // Refused on a read-only database, where SQLite would begin it and only fail the writes.
  Transaction transaction() const;

  // Runs. begin_run inserts a row with status running and returns its id; finish_run sets a
  // final status (not running) and finished_at; resume_run makes a run running again (after
  // an interruption or a crash that left it running).
  // begin_run records this process (host, pid, start time) and a first heartbeat.
  std::int64_t begin_run(const RunInfo& info);
  void finish_run(std::int64_t run_id, RunStatus status);
  // The run continues in this process: running again, its process and heartbeat renewed.
  void adopt_run(std::int64_t run_id);
  // "Still alive": a run whose heartbeat stops is judged gone after kHeartbeatTimeout.
  void heartbeat(std::int64_t run_id);
  // In one transaction, removes what a run recorded past a checkpoint (epochs >=
  // completed_epochs, samples of controller steps >= sample_steps, final results), so a
  // resumed run that recomputes them ends with exactly the rows of an uninterrupted one.
  void rewind_run(std::int64_t run_id, std::int64_t completed_epochs, std::int64_t sample_steps);
  // The newest run of this kind in `run_dir` (absolute) that did not finish.
  std::optional<RunRecord> find_unfinished_run(RunKind kind, std::string_view run_dir) const;
  RunRecord get_run(std::int64_t run_id) const;  // throws if there is no such run
  // The latest run of this kind and config, e.g. the one a restarted command should resume.
  std::optional<RunRecord> find_run(RunKind kind, std::string_view config_hash) const;
  std::vector<RunRecord> list_runs() const;  // by id

  // Inserts the genotype or finds it by hash; fills costs the stored row lacks (stored costs
  // win). Returns its id. Throws if the hash is stored for a different canonical form.
  std::int64_t upsert_genotype(const GenotypeRecord& genotype);
  std::optional<std::int64_t> find_genotype(std::string_view hash) const;
  GenotypeRecord get_genotype(std::int64_t genotype_id) const;  // throws if there is none

  // Inserts or replaces the row of (run, epoch): a resumed run rewrites the epochs it redoes.
  void record_epoch(std::int64_t run_id, const EpochMetrics& metrics);
  std::vector<EpochMetrics> epochs(std::int64_t run_id) const;  // by epoch

  // Inserts or replaces the value of (run, genotype, metric, split); returns the row id.
  std::int64_t record_result(std::int64_t run_id, const ResultInfo& result);
  std::vector<ResultRecord> results(std::int64_t run_id) const;  // by id

  // Inserts or replaces the sample (run, step, index): a resumed search rewrites what it redoes.
  void record_sample(std::int64_t run_id, const SampleInfo& sample);
  std::vector<SampleInfo> samples(std::int64_t run_id) const;  // by step, index
  void record_search_epoch(std::int64_t run_id, const SearchEpochMetrics& metrics);
  std::vector<SearchEpochMetrics> search_epochs(std::int64_t run_id) const;  // by epoch
  // Inserts or replaces the row of (run, path): a file overwritten each epoch is one row.
  // The path is stored absolute, so queries from any directory find the file.
  std::int64_t record_checkpoint(std::int64_t run_id, const CheckpointInfo& checkpoint);
  std::vector<CheckpointRecord> checkpoints(std::int64_t run_id) const;  // by epoch, step

 private:
  ResultsDb(std::unique_ptr<SqliteConnection> db, Access access);

  // Held by pointer so its address, which statements and transactions keep, survives moves.
  std::unique_ptr<SqliteConnection> db_;
  Access access_;
};

}  // namespace bitnas

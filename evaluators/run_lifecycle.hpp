#pragma once
// The one lifecycle of a resumable run, shared by `train` and `search`: the thread limit, the
// run directory and its checkpoint, the run's row in the results database (registered,
// adopted after a crash, heartbeat while it runs), the commit point of every epoch, and the
// final status (finished, interrupted, failed).
//
// The commit point. Rows that a run writes as it goes (samples, epochs) carry their step or
// epoch. An epoch ends with the checkpoint written atomically, then the epoch's rows and the
// checkpoint's row in one transaction. A run resumed from a checkpoint first removes every row
// past it (ResultsDb::rewind_run) and re-records the history the checkpoint carries, so
// wherever a crash cut the sequence, the database ends exactly as after an uninterrupted run.
// The guarantees are listed in docs/RELIABILITY.md.
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <tbb/global_control.h>

#include "evaluators/metrics_csv.hpp"
#include "ops/core/log.hpp"
#include "storage/checkpoint.hpp"
#include "storage/result_records.hpp"
#include "storage/results_db.hpp"

namespace bitnas {

// The checkpoint file of a run directory.
std::filesystem::path checkpoint_path(const std::filesystem::path& run_dir);

struct RunSpec {
  RunKind kind = RunKind::train;
  std::string name;
  std::string config_text;  // as recorded in the database
  std::string config_hash;  // a checkpoint of another hash is refused
  std::uint64_t seed = 0;
  int threads = 0;  // 0: every core
  int epochs = 0;   // a checkpoint at this epoch is a finished run
  std::filesystem::path run_dir;
  std::optional<std::filesystem::path> db_path;
  bool resume = false;
};

// Where a checkpoint leaves a run: what it has completed.
struct RunPosition {
  int completed_epochs = 0;
  std::int64_t sample_steps = 0;  // controller steps whose samples are recorded
};

class RunLifecycle {
 public:
  // Applies the thread limit, checks the run directory and loads its checkpoint: a checkpoint
  // of another kind or configuration is refused; an unfinished one needs `resume`; `resume`
  // with neither a checkpoint nor an unfinished run of this directory in the database is
  // refused (nothing to resume). `message` receives one line per decision.
  RunLifecycle(RunSpec spec, std::function<void(const std::string&)> message);
  ~RunLifecycle();
  RunLifecycle(const RunLifecycle&) = delete;
  RunLifecycle& operator=(const RunLifecycle&) = delete;

  // The checkpoint to continue from (verified), if any.
  const std::optional<Checkpoint>& checkpoint() const { return checkpoint_; }
  bool finished_before() const { return finished_before_; }
  const std::filesystem::path& checkpoint_path() const { return checkpoint_path_; }

  // Opens the database (if any) and registers the run, or adopts the run the checkpoint (or,
  // without one, the database) names and removes its rows past `position`. Starts the
  // heartbeat. A finished run is left as it is.
  void start(RunPosition position);
  ResultsDb* db() { return db_ ? &*db_ : nullptr; }
  std::optional<std::int64_t> run_id() const { return run_id_; }

  // The commit point: appends `metrics` to the run directory's metrics.csv, writes
  // `checkpoint` (stamped with the run id) atomically, then in one transaction `rows` and the
  // checkpoint's row. The constructor cut metrics.csv back to the checkpoint's epochs, so a
  // row whose checkpoint a crash lost is not there twice.
  void commit_epoch(Checkpoint checkpoint, const MetricsRow& metrics,
                    const std::function<void(ResultsDb&)>& rows);
  // Runs `body`; an exception marks the run interrupted (Interrupted) or failed (anything
  // else) and propagates unchanged, even when the database cannot record the status. An
  // injected crash (tests) records nothing, as a killed process would not.
  void guard(const std::function<void()>& body);
  // `rows` and the status finished, in one transaction.
  void finish(const std::function<void(ResultsDb&)>& rows);

 private:
  void start_heartbeat();
  void stop_heartbeat();
  void mark(RunStatus status) noexcept;

  RunSpec spec_;
  std::function<void(const std::string&)> message_;
  std::unique_ptr<tbb::global_control> thread_limit_;
  std::optional<RunLogFile> log_file_;  // run.log in the run directory, while the run lives
  std::filesystem::path checkpoint_path_;
  std::optional<Checkpoint> checkpoint_;
  bool finished_before_ = false;
  std::optional<ResultsDb> db_;
  std::optional<std::int64_t> run_id_;

  std::thread heartbeat_;
  std::mutex heartbeat_mutex_;
  std::condition_variable heartbeat_wake_;
  bool heartbeat_stop_ = false;
};

}  // namespace bitnas

#include "evaluators/run_lifecycle.hpp"

#include <chrono>

#include "evaluators/interrupt.hpp"
#include "evaluators/run_environment.hpp"
#include "storage/fault_point.hpp"
#include "storage/process_identity.hpp"

#ifndef BITNAS_VERSION
#define BITNAS_VERSION "unknown"
#endif

namespace bitnas {

namespace {

std::string absolute_dir(const std::filesystem::path& dir) {
  return std::filesystem::absolute(dir).lexically_normal().string();
}

std::optional<std::int64_t> run_id_of(const Checkpoint& c) {
  const auto id = c.strings.find("run_id");
  if (id == c.strings.end()) return std::nullopt;
  return std::stoll(id->second);
}

}  // namespace

std::filesystem::path checkpoint_path(const std::filesystem::path& run_dir) {
  return run_dir / "checkpoint.bnck";
}

RunLifecycle::RunLifecycle(RunSpec spec, std::function<void(const std::string&)> message)
    : spec_(std::move(spec)),
      message_(std::move(message)),
      checkpoint_path_(bitnas::checkpoint_path(spec_.run_dir)) {
  if (spec_.threads > 0)
    thread_limit_ = std::make_unique<tbb::global_control>(
        tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(spec_.threads));
  const std::string kind = to_string(spec_.kind);
  if (std::filesystem::exists(checkpoint_path_)) {
    Checkpoint c = load_checkpoint(checkpoint_path_);
    const auto stored_kind = c.strings.find("kind");
    if (stored_kind == c.strings.end() || stored_kind->second != kind)
      throw std::runtime_error(checkpoint_path_.string() + ": not a " + kind + " checkpoint");
    const auto hash = c.strings.find("config_hash");
    if (hash == c.strings.end() || hash->second != spec_.config_hash)
      throw std::runtime_error(checkpoint_path_.string() +
                               ": the checkpoint belongs to a different configuration (model, "
                               "data, settings or seed changed); use another --run-dir to "
                               "start a new run");
    finished_before_ = c.epoch >= spec_.epochs;
    if (!spec_.resume && !finished_before_)
      throw std::runtime_error(checkpoint_path_.string() + " exists: pass --resume to continue "
                               "that " + kind + ", or choose another --run-dir for a new one");
    checkpoint_ = std::move(c);
    if (finished_before_)
      message_("the " + kind + " in " + spec_.run_dir.string() + " has finished (" +
               std::to_string(checkpoint_->epoch) + " epochs); reporting it");
    else
      message_("resuming " + checkpoint_path_.string() + " after epoch " +
               std::to_string(checkpoint_->epoch) + " of " + std::to_string(spec_.epochs));
  } else if (spec_.resume) {
    // Without a checkpoint, only a run the database knows in this directory can be resumed
    // (killed before its first checkpoint): it starts over under its own id.
    std::optional<RunRecord> unfinished;
    if (spec_.db_path && std::filesystem::exists(*spec_.db_path))
      unfinished = ResultsDb::open(*spec_.db_path, Access::read_write)
                       .find_unfinished_run(spec_.kind, absolute_dir(spec_.run_dir));
    if (!unfinished)
      throw std::runtime_error("--resume: nothing to resume in " + spec_.run_dir.string() +
                               " (no checkpoint.bnck, and no unfinished " + kind +
                               " run of that directory in the database)");
  }
  std::filesystem::create_directories(spec_.run_dir);
  trim_metrics_csv(metrics_csv_path(spec_.run_dir), checkpoint_ ? checkpoint_->epoch : 0);
  log_file_.emplace(spec_.run_dir);
  logger().debug("{} '{}' in {}: seed {}, {} threads, {} epochs, {}", kind, spec_.name,
              spec_.run_dir.string(), spec_.seed, active_thread_count(), spec_.epochs,
              checkpoint_ ? "continuing after epoch " + std::to_string(checkpoint_->epoch)
                          : std::string("starting"));
}

RunLifecycle::~RunLifecycle() { stop_heartbeat(); }

void RunLifecycle::start(RunPosition position) {
  if (!spec_.db_path) return;
  db_.emplace(ResultsDb::open(*spec_.db_path, Access::read_write));
  const std::string dir = absolute_dir(spec_.run_dir);
  if (checkpoint_) run_id_ = run_id_of(*checkpoint_);
  if (!run_id_) {
    // A run killed before its first checkpoint, in this directory.
    if (auto previous = db_->find_unfinished_run(spec_.kind, dir)) {
      if (previous->status == RunStatus::running && !previous->orphaned &&
          !(previous->process == this_process()))
        throw std::runtime_error("run " + std::to_string(previous->id) + " in " + dir +
                                 " is still running (pid " + std::to_string(previous->process.pid) +
                                 " on " + previous->process.host + ")");
      run_id_ = previous->id;
      message_("run " + std::to_string(previous->id) + " stopped before its first checkpoint; "
               "starting it over");
    }
  }
  if (finished_before_ && run_id_ && db_->get_run(*run_id_).status == RunStatus::finished) return;
  if (run_id_) {
    const RunRecord previous = db_->get_run(*run_id_);
    if (previous.status == RunStatus::running && !previous.orphaned &&
        !(previous.process == this_process()))
      throw std::runtime_error("run " + std::to_string(*run_id_) + " is still running (pid " +
                               std::to_string(previous.process.pid) + " on " +
                               previous.process.host + ")");
    db_->adopt_run(*run_id_);
    db_->rewind_run(*run_id_, position.completed_epochs, position.sample_steps);
    // The checkpoint's row, which a crash right after writing the file can have missed.
    if (checkpoint_) {
      const SavedCheckpoint file = checkpoint_file_info(checkpoint_path_);
      db_->record_checkpoint(*run_id_, CheckpointInfo{checkpoint_->epoch, checkpoint_->step,
                                                      checkpoint_path_.string(), file.checksum(),
                                                      static_cast<std::int64_t>(file.bytes)});
    }
  } else {
    RunInfo info;
    info.kind = spec_.kind;
    info.name = spec_.name;
    info.config_text = spec_.config_text;
    info.config_hash = spec_.config_hash;
    info.seed = spec_.seed;
    info.host = this_process().host;
    info.bitnas_version = BITNAS_VERSION;
    info.threads = active_thread_count();
    info.run_dir = dir;
    run_id_ = db_->begin_run(info);
  }
  start_heartbeat();
}

void RunLifecycle::commit_epoch(Checkpoint checkpoint, const MetricsRow& metrics,
                                const std::function<void(ResultsDb&)>& rows) {
  append_metrics_row(metrics_csv_path(spec_.run_dir), metrics);
  if (run_id_) checkpoint.strings["run_id"] = std::to_string(*run_id_);
  const SavedCheckpoint saved = save_checkpoint(checkpoint_path_, checkpoint);
  if (!db_) return;
  Transaction t = db_->transaction();
  rows(*db_);
  db_->record_checkpoint(*run_id_,
                         CheckpointInfo{checkpoint.epoch, checkpoint.step, checkpoint_path_.string(),
                                        saved.checksum(), static_cast<std::int64_t>(saved.bytes)});
  t.commit();
}

void RunLifecycle::guard(const std::function<void()>& body) {
  try {
    body();
  } catch (const InjectedCrash&) {
    stop_heartbeat();
    throw;
  } catch (const Interrupted&) {
    logger().debug("interrupted");
    mark(RunStatus::interrupted);
    throw;
  } catch (const std::exception& e) {
    logger().debug("failed: {}", e.what());  // the terminal gets it from main, once
    mark(RunStatus::failed);
    throw;
  } catch (...) {
    mark(RunStatus::failed);
    throw;
  }
}

void RunLifecycle::finish(const std::function<void(ResultsDb&)>& rows) {
  stop_heartbeat();
  logger().debug("finished");
  if (!db_ || !run_id_) return;
  if (db_->get_run(*run_id_).status == RunStatus::finished) return;  // reported, not rerun
  Transaction t = db_->transaction();
  rows(*db_);
  db_->finish_run(*run_id_, RunStatus::finished);
  t.commit();
}

void RunLifecycle::mark(RunStatus status) noexcept {
  stop_heartbeat();
  if (!db_ || !run_id_) return;
  // The status is a courtesy: the error that stopped the run is what the user must see, so
  // a failure here (disk full, say) must not replace it. A run left marked running is shown
  // as interrupted anyway once its process is gone.
  try {
    if (db_->get_run(*run_id_).status == RunStatus::running) db_->finish_run(*run_id_, status);
  } catch (...) {
  }
}

void RunLifecycle::start_heartbeat() {
  heartbeat_stop_ = false;
  const std::filesystem::path db_path = *spec_.db_path;
  const std::int64_t id = *run_id_;
  heartbeat_ = std::thread([this, db_path, id] {
    std::optional<ResultsDb> db;
    std::unique_lock lock(heartbeat_mutex_);
    while (!heartbeat_wake_.wait_for(lock, kHeartbeatInterval, [this] { return heartbeat_stop_; })) {
      // Its own connection (connections are per thread); a missed beat is retried next time.
      try {
        if (!db) db.emplace(ResultsDb::open(db_path, Access::read_write));
        db->heartbeat(id);
      } catch (...) {
      }
    }
  });
}

void RunLifecycle::stop_heartbeat() {
  if (!heartbeat_.joinable()) return;
  {
    std::lock_guard lock(heartbeat_mutex_);
    heartbeat_stop_ = true;
  }
  heartbeat_wake_.notify_all();
  heartbeat_.join();
}

}  // namespace bitnas

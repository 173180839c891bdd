#pragma once
// The typed rows of the results database: what callers record (RunInfo, GenotypeRecord,
// EpochMetrics, ResultInfo, CheckpointInfo) and what queries return (the *Record structs add
// the ids and times the database assigns). Columns are described in docs/DATABASE.md.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/process_identity.hpp"

namespace bitnas {

enum class RunKind { train, search, derive, eval };
enum class RunStatus { running, finished, failed, interrupted };

// The spellings stored in the database; parse_* throw std::invalid_argument on anything else.
const char* to_string(RunKind kind);
const char* to_string(RunStatus status);
RunKind parse_run_kind(std::string_view text);
RunStatus parse_run_status(std::string_view text);

struct RunInfo {
  RunKind kind = RunKind::train;
  std::string name;
  std::string config_text;  // the resolved config, as run
  std::string config_hash;  // identifies the config, so a resumed run finds its row
  std::uint64_t seed = 0;   // at most INT64_MAX (SQLite integers are signed)
  std::string host;
  std::string bitnas_version;
  int threads = 1;
  // Where its checkpoint lives (absolute); train and search runs have one.
  std::optional<std::string> run_dir;
};

struct RunRecord {
  std::int64_t id = 0;
  RunInfo info;
  RunStatus status = RunStatus::running;   // as stored
  std::string started_at;                 // ISO-8601 UTC
  std::optional<std::string> finished_at;  // set unless running
  ProcessIdentity process;                 // the process that runs (or last ran) it
  std::optional<std::string> heartbeat_at;
  // Stored as running, but its process is gone (killed, or the machine went down).
  bool orphaned = false;

  // What a user should see: an orphaned run is interrupted, whatever the row says.
  RunStatus observed_status() const { return orphaned ? RunStatus::interrupted : status; }
};

// A genotype by its isomorphism-invariant hash. Costs are optional: a derive step may know the
// architecture before anyone built the model to count it.
struct GenotypeRecord {
  std::string hash;
  std::string canonical;
  int num_init_nodes = 2;
  std::optional<std::int64_t> fp_params;
  std::optional<std::int64_t> binary_params;
  std::optional<std::int64_t> flops;
  std::optional<std::int64_t> bops;
  std::optional<double> ops;    // flops + bops / 64
  std::optional<double> bytes;  // binary_params / 8 + fp_params * 4
};

// One epoch of a run; metrics a run does not measure stay empty (NULL).
struct EpochMetrics {
  std::int64_t epoch = 0;
  std::optional<double> train_loss;
  std::optional<double> train_acc;
  std::optional<double> valid_loss;
  std::optional<double> valid_acc;
  std::optional<double> test_acc;
  std::optional<double> lr;
  std::optional<double> images_per_s;
  std::optional<double> wall_s;
};

// A final result, e.g. test top-1 of a retrained genotype.
struct ResultInfo {
  std::optional<std::int64_t> genotype_id;
  std::string metric;  // "top1", "loss", ...
  std::string split;   // "train", "valid", "test", ...
  double value = 0.0;
};

struct ResultRecord {
  std::int64_t id = 0;
  ResultInfo info;
  std::string recorded_at;
};

// A checkpoint file a run wrote (SavedCheckpoint gives checksum and bytes).
struct CheckpointInfo {
  std::int64_t epoch = 0;
  std::int64_t step = 0;
  std::string path;
  std::string checksum;
  std::int64_t bytes = 0;
};

// One genotype a search's controller sampled and the reward the evaluator gave it.
struct SampleInfo {
  std::int64_t step = 0;   // controller step
  std::int64_t index = 0;  // position among that step's samples
  std::int64_t epoch = 0;
  std::int64_t genotype_id = 0;
  double reward = 0.0;
  std::optional<double> loss;
  std::optional<double> accuracy;
};

// One epoch of a search: supernet training and controller learning.
struct SearchEpochMetrics {
  std::int64_t epoch = 0;
  std::optional<double> supernet_loss;
  std::optional<double> supernet_acc;
  std::optional<double> mean_reward;
  std::optional<double> best_reward;
  std::optional<double> controller_loss;
  std::optional<double> samples_per_s;
  std::optional<double> wall_s;
};

struct CheckpointRecord {
  std::int64_t id = 0;
  CheckpointInfo info;
  std::string created_at;
};

}  // namespace bitnas

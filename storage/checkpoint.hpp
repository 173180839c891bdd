#pragma once
// Checkpoint files: everything a run needs to continue where it stopped (model tensors,
// optimizer state, RNG state and other text, epoch and step), in a versioned binary format
// with a trailing CRC-32, written atomically. The layout is documented in docs/CHECKPOINTS.md.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "ops/core/tensor.hpp"

namespace bitnas {

// Version written by this build; files of a higher version are refused, lower ones are read.
inline constexpr std::uint32_t kCheckpointFormatVersion = 1;

struct Checkpoint {
  std::map<std::string, Tensor> tensors;    // model state (capture_module_state)
  std::map<std::string, Tensor> optimizer;  // Optimizer::state()
  // RNG state (Rng::state()), resolved config text, checkpoint kind, controller state...
  std::map<std::string, std::string> strings;
  std::int64_t epoch = 0;
  std::int64_t step = 0;
};

// What save_checkpoint wrote, for the results database's checkpoints table.
struct SavedCheckpoint {
  std::uint64_t bytes = 0;
  std::uint32_t crc32 = 0;  // the file's trailer
  // "crc32:" and 8 lowercase hex digits, the form the results database stores.
  std::string checksum() const;
};

// Writes `checkpoint` to `path` through AtomicFileWriter: after a crash `path` holds either
// the previous checkpoint or this one, complete. Throws std::runtime_error naming the file.
SavedCheckpoint save_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);

// Reads and verifies a checkpoint. Throws std::runtime_error naming the file when it is
// missing, not a BitNAS checkpoint, of a newer format version, truncated, or corrupt
// (checksum mismatch, malformed contents).
Checkpoint load_checkpoint(const std::filesystem::path& path);

// Size and trailer checksum of a checkpoint file (not verified; load_checkpoint verifies), for
// re-recording the file in the results database.
SavedCheckpoint checkpoint_file_info(const std::filesystem::path& path);

}  // namespace bitnas

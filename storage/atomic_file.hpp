#pragma once
// Writes a file so that readers (and a restart after a crash or power loss) see either the old
// contents or the complete new contents, never a mix: the data goes to a temporary file in the
// target's directory (rename is only atomic within one file system), which is flushed, fsynced
// and renamed over the target; then the directory is fsynced so the rename itself is durable.
#include <cstddef>
#include <cstdio>
#include <filesystem>

namespace bitnas {

class AtomicFileWriter {
 public:
  // Creates the temporary file "<target>.tmp.<pid>.<n>"; throws std::runtime_error naming it
  // when that fails (missing directory, no permission).
  explicit AtomicFileWriter(std::filesystem::path target);
  // Removes the temporary file unless commit() succeeded, so a writer that throws midway
  // leaves the target as it was.
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, std::size_t size);
  // Flushes, fsyncs, renames over the target and fsyncs the directory. Call once.
  void commit();

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temp_path() const { return temp_; }

 private:
  [[noreturn]] void fail(const char* what, int error) const;

  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

}  // namespace bitnas

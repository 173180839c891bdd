#include "storage/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "storage/fault_point.hpp"

namespace bitnas {
namespace {

std::atomic<unsigned> temp_counter{0};

// fsync of the directory makes the rename durable; without it a power loss can bring back
// the old directory entry even though the new file's data reached the disk.
int fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int rc = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return rc;
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::filesystem::path target) : target_(std::move(target)) {
  if (target_.filename().empty())
    throw std::runtime_error("cannot write '" + target_.string() + "': not a file name");
  // O_EXCL makes the name ours even if another process writes the same target; the pid and
  // counter make a collision (and so a retry) unlikely in the first place.
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_ = target_;
    temp_ += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(temp_counter++);
    // 0666 minus the umask: the same permissions a plain fopen would give the target.
    const int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      fail("cannot create temporary file", errno);
    }
    file_ = ::fdopen(fd, "wb");
    if (!file_) {
      const int error = errno;
      ::close(fd);
      ::unlink(temp_.c_str());
      fail("cannot open temporary file", error);
    }
    return;
  }
  fail("cannot find an unused temporary file name", EEXIST);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (file_) std::fclose(file_);
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicFileWriter::write(const void* data, std::size_t size) {
  if (!file_) throw std::logic_error("AtomicFileWriter::write after commit");
  if (size != 0 && std::fwrite(data, 1, size, file_) != size) fail("cannot write", errno);
}

void AtomicFileWriter::commit() {
  if (!file_) throw std::logic_error("AtomicFileWriter::commit called twice");
  if (std::fflush(file_) != 0) fail("cannot flush", errno);
  if (::fsync(::fileno(file_)) != 0) fail("cannot fsync", errno);
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fclose(file) != 0) fail("cannot close", errno);
  fault_point("file.temp_written");
  if (std::rename(temp_.c_str(), target_.c_str()) != 0) fail("cannot rename over the target", errno);
  committed_ = true;
  fault_point("file.renamed");
  std::filesystem::path dir = target_.parent_path();
  if (dir.empty()) dir = ".";
  if (const int error = fsync_directory(dir); error != 0)
    throw std::runtime_error("wrote '" + target_.string() + "' but cannot fsync its directory '" +
                             dir.string() + "': " + std::strerror(error));
}

void AtomicFileWriter::fail(const char* what, int error) const {
  throw std::runtime_error("writing '" + target_.string() + "': " + what + " '" + temp_.string() +
                           "': " + std::strerror(error));
}

}  // namespace bitnas

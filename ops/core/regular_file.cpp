#include "ops/core/regular_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace bitnas {

namespace {

std::string file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

}  // namespace

std::optional<std::string> not_a_regular_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return "does not exist";
    return std::string("cannot be read (") + std::strerror(errno) + ")";
  }
  if (S_ISREG(info.st_mode)) return std::nullopt;
  return "is " + file_kind(info.st_mode) + ", not a regular file";
}

std::optional<std::string> existing_non_regular_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 && errno == ENOENT) return std::nullopt;
  return not_a_regular_file(path);
}

}  // namespace bitnas

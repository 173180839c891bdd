#pragma once
// Configs, data files, checkpoints and databases are read only from regular files: opening a
// FIFO blocks until a writer appears (and a signal merely restarts the open), a directory
// cannot be read, and /dev/zero never ends. Each reader asks this one check before opening.
#include <optional>
#include <string>

namespace bitnas {

// Why `path` cannot be opened as a regular file ("does not exist", "is a FIFO (named pipe)",
// "is a directory", "is a character device", ...), or nullopt when it is one (symbolic links
// are followed). Callers wrap the reason in their own error type, after the file's name.
std::optional<std::string> not_a_regular_file(const std::string& path);

// Like not_a_regular_file, but a path that does not exist is fine (a file about to be created).
std::optional<std::string> existing_non_regular_file(const std::string& path);

}  // namespace bitnas

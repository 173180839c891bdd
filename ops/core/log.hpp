#pragma once
// The one logging channel of BitNAS: the spdlog logger that every diagnostic goes through.
// Its terminal sink writes the bare message to stderr (what the commands have always printed);
// a run directory adds a file sink, run.log there, that keeps every message with its time and
// level, plus debug lines the terminal does not show. Machine output (--json, tables) does
// not go through here; it is stdout's.
#include <filesystem>
#include <memory>

#include <spdlog/logger.h>

namespace bitnas {

spdlog::logger& logger();

// quiet: the terminal shows warnings and errors only; run.log still gets everything.
void set_terminal_quiet(bool quiet);

// While alive, logger() also appends to `dir`/run.log (created if absent, so a resumed run
// continues its own log).
class RunLogFile {
 public:
  explicit RunLogFile(const std::filesystem::path& dir);
  ~RunLogFile();
  RunLogFile(const RunLogFile&) = delete;
  RunLogFile& operator=(const RunLogFile&) = delete;

  static std::filesystem::path path_in(const std::filesystem::path& dir) {
    return dir / "run.log";
  }

 private:
  std::shared_ptr<spdlog::sinks::sink> sink_;
};

}  // namespace bitnas

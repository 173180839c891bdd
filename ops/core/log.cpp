#include "ops/core/log.hpp"

#include <algorithm>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace bitnas {

namespace {

struct Channel {
  std::shared_ptr<spdlog::sinks::sink> terminal;
  std::shared_ptr<spdlog::logger> logger;
};

Channel& channel() {
  static Channel c = [] {
    Channel made;
    made.terminal = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    made.terminal->set_pattern("%v");
    made.terminal->set_level(spdlog::level::info);
    made.logger = std::make_shared<spdlog::logger>("bitnas", made.terminal);
    made.logger->set_level(spdlog::level::debug);
    made.logger->flush_on(spdlog::level::debug);  // a killed run keeps its log up to the kill
    return made;
  }();
  return c;
}

}  // namespace

spdlog::logger& logger() { return *channel().logger; }

void set_terminal_quiet(bool quiet) {
  channel().terminal->set_level(quiet ? spdlog::level::warn : spdlog::level::info);
}

RunLogFile::RunLogFile(const std::filesystem::path& dir)
    : sink_(std::make_shared<spdlog::sinks::basic_file_sink_mt>(path_in(dir).string(),
                                                                 /*truncate=*/false)) {
  sink_->set_pattern("%Y-%m-%d %H:%M:%S.%e %-5l %v");
  sink_->set_level(spdlog::level::debug);
  logger().sinks().push_back(sink_);
}

RunLogFile::~RunLogFile() {
  auto& sinks = logger().sinks();
  sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
}

}  // namespace bitnas

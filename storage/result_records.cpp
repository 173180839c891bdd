#include "storage/result_records.hpp"

#include <stdexcept>
#include <string>

namespace bitnas {

const char* to_string(RunKind kind) {
  switch (kind) {
    case RunKind::train: return "train";
    case RunKind::search: return "search";
    case RunKind::derive: return "derive";
    case RunKind::eval: return "eval";
  }
  return "?";
}

const char* to_string(RunStatus status) {
  switch (status) {
    case RunStatus::running: return "running";
    case RunStatus::finished: return "finished";
    case RunStatus::failed: return "failed";
    case RunStatus::interrupted: return "interrupted";
  }
  return "?";
}

RunKind parse_run_kind(std::string_view text) {
  for (RunKind k : {RunKind::train, RunKind::search, RunKind::derive, RunKind::eval})
    if (text == to_string(k)) return k;
  throw std::invalid_argument("unknown run kind '" + std::string(text) +
                              "' (expected train, search, derive or eval)");
}

RunStatus parse_run_status(std::string_view text) {
  for (RunStatus s :
       {RunStatus::running, RunStatus::finished, RunStatus::failed, RunStatus::interrupted})
    if (text == to_string(s)) return s;
  throw std::invalid_argument("unknown run status '" + std::string(text) +
                              "' (expected running, finished, failed or interrupted)");
}

}  // namespace bitnas

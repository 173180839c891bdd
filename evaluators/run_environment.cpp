#include "evaluators/run_environment.hpp"

#include <tbb/global_control.h>
#include <unistd.h>

namespace bitnas {

std::string host_name() {
  char buffer[256] = {};
  return gethostname(buffer, sizeof(buffer) - 1) == 0 ? std::string(buffer) : "unknown";
}

int active_thread_count() {
  return static_cast<int>(
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
}

}  // namespace bitnas

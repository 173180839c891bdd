#include "evaluators/run_environment.hpp"

#include <tbb/global_control.h>

#include "storage/process_identity.hpp"

namespace bitnas {

std::string host_name() { return this_process().host; }

int active_thread_count() {
  return static_cast<int>(
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
}

}  // namespace bitnas

#include "evaluators/interrupt.hpp"

#include <atomic>

namespace bitnas {

namespace {
// Lock-free, so setting it from a signal handler is safe.
std::atomic<bool> stop_flag{false};
static_assert(std::atomic<bool>::is_always_lock_free);
}  // namespace

void request_stop() { stop_flag.store(true); }
bool stop_requested() { return stop_flag.load(); }
void clear_stop_request() { stop_flag.store(false); }

}  // namespace bitnas

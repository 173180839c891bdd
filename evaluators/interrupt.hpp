#pragma once
// A cooperative stop: the command line's SIGINT/SIGTERM handler requests it, long loops check
// it between batches and end cleanly (checkpoint and database already consistent, run marked
// interrupted) instead of dying mid-write.
#include <stdexcept>

namespace bitnas {

void request_stop();
bool stop_requested();
void clear_stop_request();

// Thrown by a loop that saw stop_requested().
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace bitnas

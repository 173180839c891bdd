#pragma once
// Which process runs a run: host, pid and the process's start time (so a reused pid is not
// mistaken for the original process). Recorded in the runs table; a run still marked
// running whose process is gone was killed and is shown (and resumed) as interrupted.
#include <chrono>
#include <string>

namespace bitnas {

struct ProcessIdentity {
  std::string host;
  long long pid = 0;
  std::string start;  // kernel start time of the process, in clock ticks since boot

  bool operator==(const ProcessIdentity&) const = default;
};

ProcessIdentity this_process();

// How long a heartbeat may be silent before a run on another host counts as gone.
inline constexpr std::chrono::seconds kHeartbeatInterval{30};
inline constexpr std::chrono::seconds kHeartbeatTimeout{300};

// On this host: is that process (same pid, same start time) still there? On another host the
// process cannot be asked: the caller judges by the heartbeat's age instead.
bool process_alive_here(const ProcessIdentity& process);

}  // namespace bitnas

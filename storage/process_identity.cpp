#include "storage/process_identity.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace bitnas {

namespace {

std::string host_of_this_machine() {
  char buffer[256] = {};
  return gethostname(buffer, sizeof(buffer) - 1) == 0 ? std::string(buffer) : "unknown";
}

// Field 22 of /proc/PID/stat; the command name (field 2) may hold spaces and parentheses, so
// fields are counted after its closing parenthesis.
std::string start_ticks(long long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  for (int index = 3; index <= 22 && fields >> field; ++index)
    if (index == 22) return field;
  return {};
}

}  // namespace

ProcessIdentity this_process() {
  ProcessIdentity p;
  p.host = host_of_this_machine();
  p.pid = static_cast<long long>(::getpid());
  p.start = start_ticks(p.pid);
  return p;
}

bool process_alive_here(const ProcessIdentity& process) {
  if (process.pid <= 0) return false;
  if (::kill(static_cast<pid_t>(process.pid), 0) != 0 && errno == ESRCH) return false;
  // The pid exists (or belongs to another user); it is the same process only if it started
  // at the same time.
  return process.start.empty() || start_ticks(process.pid) == process.start;
}

}  // namespace bitnas

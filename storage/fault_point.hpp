#pragma once
// Named points in a write sequence (checkpoint file written, renamed; transaction begun,
// committed) where a test can cut the process short as kill -9 would, to prove that every
// such cut resumes to the same database. Without a hook installed, a point costs one branch.
#include <functional>
#include <string>
#include <string_view>

namespace bitnas {

// Thrown by a test's hook. Not a std::exception, so no handler that turns errors into messages
// or statuses catches it: run code lets it pass without recording anything (a killed process
// records nothing either); open transactions roll back as they unwind.
class InjectedCrash {
 public:
  explicit InjectedCrash(std::string_view point) : point_(point) {}
  const std::string& point() const { return point_; }

 private:
  std::string point_;
};

using FaultHook = std::function<void(std::string_view point)>;

// Installs (or, with an empty hook, removes) the process-wide hook.
void set_fault_hook(FaultHook hook);
void fault_point(std::string_view point);

}  // namespace bitnas

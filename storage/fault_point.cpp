#include "storage/fault_point.hpp"

namespace bitnas {

namespace {
FaultHook& hook() {
  static FaultHook installed;
  return installed;
}
}  // namespace

void set_fault_hook(FaultHook h) { hook() = std::move(h); }

void fault_point(std::string_view point) {
  if (hook()) hook()(point);
}

}  // namespace bitnas

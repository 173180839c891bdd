#pragma once
// Learning rate as a function of training progress: cosine annealing, step decay (x gamma at
// each milestone epoch, BMXNet's recipe) or constant, each optionally after a linear warmup.
// The rate is a pure function of (epoch, step within epoch), so a resumed run gets exactly
// the rates an uninterrupted run would have had.
#include <string>
#include <vector>

namespace bitnas {

enum class LrScheduleKind { constant, cosine, step };
const char* to_string(LrScheduleKind kind);

struct LrScheduleConfig {
  bool operator==(const LrScheduleConfig&) const = default;
  LrScheduleKind kind = LrScheduleKind::cosine;
  double base_lr = 1e-3;
  double min_lr = 0.0;              // cosine floor
  std::vector<int> milestones;      // step: epochs at which the rate is multiplied by gamma
  double gamma = 0.1;
  double warmup_epochs = 0.0;       // linear ramp from 0 over this many epochs (may be fractional)
};

class LrSchedule {
 public:
  LrSchedule(LrScheduleConfig config, int total_epochs, int steps_per_epoch);
  // Rate for the optimizer step `step` (0-based) of `epoch` (0-based).
  double rate(int epoch, int step) const;

 private:
  LrScheduleConfig config_;
  int total_epochs_;
  int steps_per_epoch_;
};

}  // namespace bitnas

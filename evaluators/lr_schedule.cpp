#include "evaluators/lr_schedule.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace bitnas {

const char* to_string(LrScheduleKind kind) {
  switch (kind) {
    case LrScheduleKind::constant: return "constant";
    case LrScheduleKind::cosine: return "cosine";
    case LrScheduleKind::step: return "step";
  }
  return "?";
}

LrSchedule::LrSchedule(LrScheduleConfig config, int total_epochs, int steps_per_epoch)
    : config_(std::move(config)), total_epochs_(total_epochs), steps_per_epoch_(steps_per_epoch) {
  if (total_epochs_ < 1 || steps_per_epoch_ < 1)
    throw std::invalid_argument("LrSchedule: epochs and steps per epoch must be >= 1");
}

double LrSchedule::rate(int epoch, int step) const {
  // Progress in epochs, counting the current step as done (PyTorch-style per-step schedules).
  const double progress = epoch + static_cast<double>(step) / steps_per_epoch_;
  double lr = config_.base_lr;
  switch (config_.kind) {
    case LrScheduleKind::constant: break;
    case LrScheduleKind::cosine: {
      const double t = std::min(1.0, progress / total_epochs_);
      lr = config_.min_lr +
           0.5 * (config_.base_lr - config_.min_lr) * (1.0 + std::cos(std::numbers::pi * t));
      break;
    }
    case LrScheduleKind::step:
      for (int m : config_.milestones)
        if (epoch >= m) lr *= config_.gamma;
      break;
  }
  if (config_.warmup_epochs > 0.0 && progress < config_.warmup_epochs)
    lr *= (progress + 1.0 / steps_per_epoch_) / config_.warmup_epochs;
  return lr;
}

}  // namespace bitnas

#pragma once
// A search run's reward over time, for a chart: per epoch from `search_epochs` (mean_reward,
// best_reward) when the run recorded them there, else per controller step from its `samples`
// (mean and max reward of the step's samples).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/results_db.hpp"

namespace bitnas {

struct RewardPoint {
  std::int64_t at = 0;  // epoch or controller step
  std::optional<double> mean;
  std::optional<double> best;
};

struct RewardCurve {
  std::string axis;  // "epoch" or "controller step": what RewardPoint::at counts
  std::vector<RewardPoint> points;  // by `at`; empty when the run has no rewards yet
};

// Throws if the run does not exist or is not a search.
RewardCurve search_reward_curve(const ResultsDb& db, std::int64_t run_id);

}  // namespace bitnas

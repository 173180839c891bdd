#pragma once
// Which architectures no other one beats on both objectives: higher reward and fewer OPs.
#include <span>
#include <vector>

namespace bitnas {

struct RewardAndCost {
  double reward = 0.0;  // maximised
  double cost = 0.0;    // minimised (OPs)
};

// on_front[i] is true when no point j has reward >= and cost <= point i's with one of them
// strictly better. Equal points are all on the front (neither dominates the other).
std::vector<bool> pareto_front(std::span<const RewardAndCost> points);

}  // namespace bitnas

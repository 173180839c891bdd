#include "evaluators/pareto_front.hpp"

#include <algorithm>
#include <numeric>

namespace bitnas {

std::vector<bool> pareto_front(std::span<const RewardAndCost> points) {
  // Cheapest first (best reward first among equal costs): a point is on the front exactly
  // when it beats the best reward of every cheaper point, or ties the point it equals.
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (points[a].cost != points[b].cost) return points[a].cost < points[b].cost;
    return points[a].reward > points[b].reward;
  });
  std::vector<bool> on_front(points.size(), false);
  const RewardAndCost* last_front = nullptr;
  for (const std::size_t i : order) {
    const RewardAndCost& p = points[i];
    const bool beats_cheaper = last_front == nullptr || p.reward > last_front->reward;
    const bool equals_front = last_front != nullptr && p.reward == last_front->reward &&
                              p.cost == last_front->cost;
    if (beats_cheaper || equals_front) {
      on_front[i] = true;
      last_front = &p;
    }
  }
  return on_front;
}

}  // namespace bitnas

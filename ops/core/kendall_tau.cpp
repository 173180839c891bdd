#include "ops/core/kendall_tau.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace bitnas {

KendallTau kendall_tau_b(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size())
    throw std::invalid_argument("kendall_tau_b: " + std::to_string(x.size()) + " x values but " +
                                std::to_string(y.size()) + " y values");
  for (std::size_t i = 0; i < x.size(); ++i)
    if (std::isnan(x[i]) || std::isnan(y[i]))
      throw std::invalid_argument("kendall_tau_b: value " + std::to_string(i) + " is NaN");

  KendallTau result;
  result.n = static_cast<std::int64_t>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      const bool same_x = x[i] == x[j];
      const bool same_y = y[i] == y[j];
      if (same_x) ++result.tied_x;
      if (same_y) ++result.tied_y;
      if (same_x || same_y) continue;
      // Same direction in both (both increase or both decrease) is concordant.
      if ((x[i] < x[j]) == (y[i] < y[j]))
        ++result.concordant;
      else
        ++result.discordant;
    }
  }
  const std::int64_t pairs = result.n * (result.n - 1) / 2;
  const double denominator = std::sqrt(static_cast<double>(pairs - result.tied_x)) *
                             std::sqrt(static_cast<double>(pairs - result.tied_y));
  if (denominator > 0.0)
    result.tau_b = static_cast<double>(result.concordant - result.discordant) / denominator;
  return result;
}

}  // namespace bitnas

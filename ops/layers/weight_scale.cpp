#include "ops/layers/weight_scale.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>

#include "ops/layers/sign_estimators.hpp"

namespace bitnas {

namespace {

// Sum of |W| over each output channel's row, in double so alpha does not depend on the
// summation order's float rounding.
std::vector<double> row_abs_sums(const Tensor& w) {
  const int rows = w.dim(0);
  const std::int64_t row_len = w.numel() / rows;
  std::vector<double> sums(static_cast<std::size_t>(rows), 0.0);
  for (int o = 0; o < rows; ++o)
    for (std::int64_t i = 0; i < row_len; ++i) sums[o] += std::abs(w[o * row_len + i]);
  return sums;
}

}  // namespace

std::vector<float> weight_scales(const Tensor& w_ohwi, WeightScale scale) {
  require_rank(w_ohwi, 4, "weight_scales");
  const int out_c = w_ohwi.dim(0);
  const std::int64_t row_len = w_ohwi.numel() / out_c;
  std::vector<float> alpha(static_cast<std::size_t>(out_c), 1.0f);
  if (scale == WeightScale::none) return alpha;
  const std::vector<double> sums = row_abs_sums(w_ohwi);
  if (scale == WeightScale::tensor) {
    const double total = std::accumulate(sums.begin(), sums.end(), 0.0);
    alpha.assign(alpha.size(), static_cast<float>(total / static_cast<double>(w_ohwi.numel())));
  } else {
    for (int o = 0; o < out_c; ++o)
      alpha[o] = static_cast<float>(sums[o] / static_cast<double>(row_len));
  }
  return alpha;
}

void add_weight_scale_gradient(const Tensor& w_ohwi, WeightScale scale,
                               const std::vector<double>& grad_alpha, Tensor& grad) {
  require_same_shape(w_ohwi, grad, "add_weight_scale_gradient");
  const int out_c = w_ohwi.dim(0);
  if (grad_alpha.size() != static_cast<std::size_t>(out_c))
    throw std::invalid_argument("add_weight_scale_gradient: one alpha gradient per output "
                                "channel expected");
  if (scale == WeightScale::none) return;
  const std::int64_t row_len = w_ohwi.numel() / out_c;
  std::vector<double> per_row(grad_alpha.size());
  if (scale == WeightScale::tensor) {
    // One alpha shared by every channel: its gradient is the sum of the channels' terms.
    const double total = std::accumulate(grad_alpha.begin(), grad_alpha.end(), 0.0);
    per_row.assign(per_row.size(), total / static_cast<double>(w_ohwi.numel()));
  } else {
    for (int o = 0; o < out_c; ++o) per_row[o] = grad_alpha[o] / static_cast<double>(row_len);
  }
  for (int o = 0; o < out_c; ++o)
    for (std::int64_t i = 0; i < row_len; ++i) {
      const std::int64_t k = o * row_len + i;
      grad[k] += static_cast<float>(per_row[o] * binary_sign(w_ohwi[k]));
    }
}

}  // namespace bitnas

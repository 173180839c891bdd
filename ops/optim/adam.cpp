#include "ops/optim/adam.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace bitnas {

Adam::Adam(std::vector<ParamGroup> groups, AdamOptions options)
    : Optimizer(std::move(groups)), options_(options) {
  auto beta_ok = [](float b) { return std::isfinite(b) && b >= 0.0f && b < 1.0f; };
  if (!beta_ok(options_.beta1) || !beta_ok(options_.beta2))
    throw std::invalid_argument(type_name() + ": betas must lie in [0, 1)");
  if (!std::isfinite(options_.eps) || options_.eps < 0.0f)
    throw std::invalid_argument(type_name() + ": eps must be finite and >= 0");
}

void Adam::update(const ParamGroup& group, Parameter& p, Slots& slots) {
  const float lr = group.lr, wd = group.weight_decay;
  const float b1 = options_.beta1, b2 = options_.beta2, eps = options_.eps;
  const std::int64_t n = p.value.numel();
  Tensor& m = slots.try_emplace("exp_avg", p.value.shape()).first->second;
  Tensor& v = slots.try_emplace("exp_avg_sq", p.value.shape()).first->second;
  if (options_.decoupled_weight_decay && wd != 0.0f) p.value.scale_(1.0f - lr * wd);
  const bool l2 = !options_.decoupled_weight_decay && wd != 0.0f;
  // Per-parameter step count, as PyTorch keeps state['step']: in a weight-sharing supernet a
  // parameter is updated only when its path is sampled, and its bias correction follows its
  // own updates. (Exact in float up to 2^24 updates.)
  Tensor& count = slots.try_emplace("step", Shape{1}).first->second;
  count[0] += 1.0f;
  // Scalars in double, as PyTorch computes them in Python floats.
  const double t = static_cast<double>(count[0]);
  const float step_size = static_cast<float>(lr / (1.0 - std::pow(static_cast<double>(b1), t)));
  const float correction2_sqrt =
      static_cast<float>(std::sqrt(1.0 - std::pow(static_cast<double>(b2), t)));
  for (std::int64_t i = 0; i < n; ++i) {
    const float g = l2 ? p.grad[i] + wd * p.value[i] : p.grad[i];
    m[i] = b1 * m[i] + (1.0f - b1) * g;
    v[i] = b2 * v[i] + (1.0f - b2) * g * g;
    const float denom = std::sqrt(v[i]) / correction2_sqrt + eps;
    p.value[i] -= step_size * (m[i] / denom);
  }
}

}  // namespace bitnas

#include "ops/optim/sgd.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace bitnas {

Sgd::Sgd(std::vector<ParamGroup> groups, SgdOptions options)
    : Optimizer(std::move(groups)), options_(options) {
  if (!std::isfinite(options_.momentum) || options_.momentum < 0.0f)
    throw std::invalid_argument("SGD: momentum must be finite and >= 0");
  if (!std::isfinite(options_.dampening))
    throw std::invalid_argument("SGD: dampening must be finite");
  if (options_.nesterov && (options_.momentum <= 0.0f || options_.dampening != 0.0f))
    throw std::invalid_argument("SGD: Nesterov momentum needs momentum > 0 and dampening 0");
}

void Sgd::update(const ParamGroup& group, Parameter& p, Slots& slots) {
  const float lr = group.lr, wd = group.weight_decay, mu = options_.momentum;
  Tensor d = p.grad;
  if (wd != 0.0f)
    for (std::int64_t i = 0; i < d.numel(); ++i) d[i] += wd * p.value[i];
  if (mu != 0.0f) {
    auto found = slots.find("momentum_buffer");
    if (found == slots.end()) {
      found = slots.emplace("momentum_buffer", d).first;
    } else {
      Tensor& buf = found->second;
      const float keep = 1.0f - options_.dampening;
      for (std::int64_t i = 0; i < d.numel(); ++i) buf[i] = mu * buf[i] + keep * d[i];
    }
    const Tensor& buf = found->second;
    if (options_.nesterov)
      for (std::int64_t i = 0; i < d.numel(); ++i) d[i] += mu * buf[i];
    else
      d = buf;
  }
  for (std::int64_t i = 0; i < d.numel(); ++i) p.value[i] -= lr * d[i];
}

}  // namespace bitnas

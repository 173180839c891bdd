#include "ops/optim/grad_clip.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace bitnas {

float clip_grad_norm(const std::vector<Parameter*>& params, float max_norm) {
  if (!(max_norm >= 0.0f))
    throw std::invalid_argument("clip_grad_norm: max_norm must be >= 0, got " +
                                std::to_string(max_norm));
  double squares = 0.0;
  for (const Parameter* p : params)
    for (float g : p->grad.values()) squares += static_cast<double>(g) * g;
  const double norm = std::sqrt(squares);
  if (!std::isfinite(norm)) return static_cast<float>(norm);
  const double factor = static_cast<double>(max_norm) / (norm + 1e-6);
  if (factor < 1.0)
    for (Parameter* p : params) p->grad.scale_(static_cast<float>(factor));
  return static_cast<float>(norm);
}

}  // namespace bitnas

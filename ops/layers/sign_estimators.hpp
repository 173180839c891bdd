#pragma once
// sign() and its straight-through estimators (docs/DESIGN.md, Binary convolution). For each
// estimator there is the gradient factor backward multiplies by, and the smooth surrogate function
// whose exact derivative that factor is; the gradient check differentiates the surrogate
// numerically.
#include <algorithm>
#include <cmath>

#include "ops/layers/binary_conv_options.hpp"

namespace bitnas {

// -1 for x < 0, +1 otherwise: sign(0) = sign(-0) = +1, as the bit packing does.
inline float binary_sign(float x) { return x < 0.0f ? -1.0f : 1.0f; }

// dsign(x)/dx as the activation STE defines it.
inline float activation_ste_grad(ActivationSte ste, float threshold, float x) {
  const float a = std::abs(x);
  if (ste == ActivationSte::ste) return a <= threshold ? 1.0f : 0.0f;
  return a <= 1.0f ? 2.0f - 2.0f * a : 0.0f;
}

// ste(t): clamp(x, -t, t). approx_sign: Bi-Real's piecewise polynomial, -1 below -1,
// 2x + x^2 on [-1, 0), 2x - x^2 on [0, 1), +1 above.
inline float activation_surrogate(ActivationSte ste, float threshold, float x) {
  if (ste == ActivationSte::ste) return std::clamp(x, -threshold, threshold);
  if (x < -1.0f) return -1.0f;
  if (x < 0.0f) return 2.0f * x + x * x;
  if (x < 1.0f) return 2.0f * x - x * x;
  return 1.0f;
}

// dsign(W)/dW as the weight STE defines it.
inline float weight_ste_grad(WeightSte ste, float w) {
  return ste == WeightSte::identity || std::abs(w) <= 1.0f ? 1.0f : 0.0f;
}

// identity: W. clip: clamp(W, -1, 1).
inline float weight_surrogate(WeightSte ste, float w) {
  return ste == WeightSte::identity ? w : std::clamp(w, -1.0f, 1.0f);
}

}  // namespace bitnas

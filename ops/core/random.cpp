#include "ops/core/random.hpp"

#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>

namespace bitnas {

std::uint64_t Rng::below(std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("Rng::below(0)");
  // Rejection sampling keeps the result unbiased.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t v;
  do v = engine_();
  while (v >= limit);
  return v % n;
}

float Rng::normal() {
  // 1 - uniform() is in (0, 1], so the log is finite.
  const double u1 = 1.0 - static_cast<double>(uniform());
  const double u2 = static_cast<double>(uniform());
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) *
                            std::cos(2.0 * std::numbers::pi * u2));
}

std::string Rng::state() const {
  std::ostringstream out;
  out << engine_;
  return out.str();
}

void Rng::set_state(const std::string& text) {
  std::istringstream in(text);
  in >> engine_;
  if (in.fail()) throw std::invalid_argument("Rng::set_state: malformed generator state");
}

void fill_uniform(Tensor& t, Rng& rng, float lo, float hi) {
  for (float& v : t.values()) v = rng.uniform(lo, hi);
}

void fill_normal(Tensor& t, Rng& rng, float mean, float stddev) {
  for (float& v : t.values()) v = mean + stddev * rng.normal();
}

void fill_fan_in_uniform(Tensor& t, Rng& rng, int fan_in) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in > 0 ? fan_in : 1));
  fill_uniform(t, rng, -bound, bound);
}

}  // namespace bitnas

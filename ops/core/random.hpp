#pragma once
// The one random number generator of BitNAS. Distributions are implemented here, not taken
// from <random>, whose distribution algorithms differ between standard libraries: a run must
// be a function of its config and seed, bit for bit.
#include <cstdint>
#include <random>
#include <string>

#include "ops/core/tensor.hpp"

namespace bitnas {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}

  std::uint64_t next_u64() { return engine_(); }
  // Uniform in [0, 1) with 24 random bits (exactly representable floats).
  float uniform() { return static_cast<float>(engine_() >> 40) * 0x1.0p-24f; }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), n > 0.
  std::uint64_t below(std::uint64_t n);
  // Standard normal (Box-Muller, one value per call).
  float normal();

  // Engine state as text, for checkpoints.
  std::string state() const;
  void set_state(const std::string& text);

 private:
  std::mt19937_64 engine_;
};

void fill_uniform(Tensor& t, Rng& rng, float lo, float hi);
void fill_normal(Tensor& t, Rng& rng, float mean, float stddev);
// PyTorch's default conv / linear init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
void fill_fan_in_uniform(Tensor& t, Rng& rng, int fan_in);

}  // namespace bitnas

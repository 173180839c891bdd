#pragma once
// Inputs and checks shared by the float layer tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/core/module.hpp"
#include "ops/core/random.hpp"
#include "ops/core/tensor.hpp"

namespace bitnas::testing {

inline Tensor random_tensor(const Shape& shape, std::uint64_t seed, float lo = -1.0f,
                            float hi = 1.0f) {
  Rng rng(seed);
  Tensor t(shape);
  fill_uniform(t, rng, lo, hi);
  return t;
}

// Uniform in +-[margin, 1]: no value within `margin` of 0, where ReLU has its kink.
inline Tensor random_away_from_zero(const Shape& shape, std::uint64_t seed, float margin = 0.05f) {
  Tensor t = random_tensor(shape, seed, margin, 1.0f);
  Rng signs(seed + 1);
  for (float& v : t.values())
    if (signs.uniform() < 0.5f) v = -v;
  return t;
}

// A random permutation of -1 + k * spacing: values at least `spacing` apart, so a max never
// changes winner under a finite-difference step much smaller than `spacing`.
inline Tensor distinct_values(const Shape& shape, std::uint64_t seed, float spacing = 0.01f) {
  Tensor t(shape);
  for (std::int64_t i = 0; i < t.numel(); ++i) t[i] = -1.0f + static_cast<float>(i) * spacing;
  Rng rng(seed);
  for (std::int64_t i = t.numel() - 1; i > 0; --i)
    std::swap(t[i], t[static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(i + 1)))]);
  return t;
}

// Passes when fn throws std::invalid_argument whose message contains every fragment.
inline ::testing::AssertionResult throws_invalid_argument(
    const std::function<void()>& fn, std::initializer_list<std::string> fragments) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    for (const std::string& f : fragments)
      if (message.find(f) == std::string::npos)
        return ::testing::AssertionFailure()
               << "message \"" << message << "\" lacks \"" << f << "\"";
    return ::testing::AssertionSuccess();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw another exception: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw";
}

inline ::testing::AssertionResult all_near(const Tensor& got, const Tensor& expected,
                                           double tolerance) {
  if (!got.same_shape(expected))
    return ::testing::AssertionFailure()
           << "shape " << got.shape_string() << " != " << expected.shape_string();
  for (std::int64_t i = 0; i < got.numel(); ++i)
    if (!(std::abs(static_cast<double>(got[i]) - expected[i]) <= tolerance))
      return ::testing::AssertionFailure()
             << "element " << i << ": " << got[i] << " vs " << expected[i];
  return ::testing::AssertionSuccess();
}

inline bool bitwise_equal(const Tensor& a, const Tensor& b) {
  return a.same_shape(b) &&
         std::equal(a.values().begin(), a.values().end(), b.values().begin(),
                    [](float x, float y) { return std::memcmp(&x, &y, sizeof(float)) == 0; });
}

// Passes when a second backward of the same gradient doubles every parameter's grad: backward
// accumulates into Parameter::grad, as the Module contract says (the gradient checker zeroes
// the grads first, so it cannot see this).
inline ::testing::AssertionResult backward_accumulates(Module& module, const Tensor& input) {
  const Tensor y = module.forward(input, Mode::train);
  const Tensor dy = random_tensor(y.shape(), 99);
  auto params = module.parameters();
  if (params.empty()) return ::testing::AssertionFailure() << "no parameters";
  module.zero_grad();
  module.backward(dy);
  std::vector<Tensor> once;
  for (auto& p : params) once.push_back(p.param->grad);
  module.forward(input, Mode::train);  // backward frees what its forward saved
  module.backward(dy);
  for (std::size_t k = 0; k < params.size(); ++k) {
    Tensor twice = once[k];
    twice.scale_(2.0f);
    auto close = all_near(params[k].param->grad, twice, 1e-5);
    if (!close) return close << " in " << params[k].name;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace bitnas::testing

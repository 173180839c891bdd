#include "tests/support/gradient_check.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

#include "ops/core/random.hpp"

namespace bitnas::testing {

namespace {

double weighted_sum(const Tensor& y, const Tensor& r) {
  double s = 0.0;
  for (std::int64_t i = 0; i < y.numel(); ++i) s += static_cast<double>(y[i]) * r[i];
  return s;
}

Tensor random_like(const Shape& shape, Rng& rng) {
  Tensor t(shape);
  fill_uniform(t, rng, -1.0f, 1.0f);
  return t;
}

// Compares analytic[i] with the central difference of `loss` for perturbations of target[i],
// on up to options.max_checks_per_tensor coordinates. `owner` (null for inputs) is the
// parameter holding `target`: every write bumps its version, as an optimizer step would, so
// layers that cache state derived from it (packed binary weights) see the perturbation.
void compare(const std::string& what, Tensor& target, Parameter* owner, const Tensor& analytic,
             const std::function<double()>& loss, const GradCheckOptions& options, Rng& rng,
             std::ostringstream& failures, int& failure_count, int& checked, int& skipped) {
  auto set = [&](std::int64_t i, float v) {
    target[i] = v;
    if (owner) owner->mark_modified();
  };
  const std::int64_t n = target.numel();
  std::vector<std::int64_t> indices;
  if (n <= options.max_checks_per_tensor) {
    for (std::int64_t i = 0; i < n; ++i) indices.push_back(i);
  } else {
    for (int k = 0; k < options.max_checks_per_tensor; ++k)
      indices.push_back(static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n))));
  }
  const double at_original = options.skip_kinks ? loss() : 0.0;
  for (std::int64_t i : indices) {
    ++checked;
    const float original = target[i];
    const float up = original + options.step, down = original - options.step;
    set(i, up);
    const double plus = loss();
    set(i, down);
    const double minus = loss();
    set(i, original);
    // Divide by the step actually taken: float rounding makes up - down differ from 2*step.
    const double numeric = (plus - minus) / (static_cast<double>(up) - down);
    if (options.skip_kinks) {
      const double forward = (plus - at_original) / (static_cast<double>(up) - original);
      const double backward = (at_original - minus) / (original - static_cast<double>(down));
      const double one_sided_scale = std::max(std::abs(forward), std::abs(backward));
      if (std::abs(forward - backward) >
          options.abs_tolerance + options.rel_tolerance * one_sided_scale) {
        ++skipped;
        continue;
      }
    }
    const double a = analytic[i];
    const double scale = std::max(std::abs(a), std::abs(numeric));
    if (std::abs(a - numeric) > options.abs_tolerance + options.rel_tolerance * scale) {
      if (failure_count < 10)
        failures << "  " << what << "[" << i << "]: analytic " << a << " numeric " << numeric
                 << "\n";
      ++failure_count;
    }
  }
}

::testing::AssertionResult verdict(const std::string& name, int failure_count,
                                   const std::ostringstream& failures, int checked, int skipped,
                                   const GradCheckOptions& options) {
  if (skipped > options.max_skipped_fraction * checked)
    return ::testing::AssertionFailure()
           << name << ": " << skipped << " of " << checked
           << " coordinates sit on kinks; the check would test too little";
  if (failure_count == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << name << ": " << failure_count
                                       << " gradient mismatches\n"
                                       << failures.str();
}

}  // namespace

::testing::AssertionResult check_module_gradients(Module& module, const Tensor& input,
                                                  const GradCheckOptions& options) {
  Rng rng(options.seed);
  Tensor x = input;
  const Tensor y = module.forward(x, options.mode);
  const Tensor r = random_like(y.shape(), rng);
  module.zero_grad();
  const Tensor dx = module.backward(r);
  if (!dx.same_shape(x))
    return ::testing::AssertionFailure() << module.type_name() << ": input gradient shape "
                                         << dx.shape_string() << " != input shape "
                                         << x.shape_string();
  auto params = module.parameters();
  std::vector<Tensor> param_grads;
  for (auto& p : params) param_grads.push_back(p.param->grad);

  auto loss = [&] { return weighted_sum(module.forward(x, options.mode), r); };
  std::ostringstream failures;
  int failure_count = 0, checked = 0, skipped = 0;
  if (options.check_input) compare("input", x, nullptr, dx, loss, options, rng, failures, failure_count, checked, skipped);
  if (options.check_parameters)
    for (std::size_t k = 0; k < params.size(); ++k)
      compare(params[k].name, params[k].param->value, params[k].param, param_grads[k], loss, options, rng,
              failures, failure_count, checked, skipped);
  return verdict(module.type_name(), failure_count, failures, checked, skipped, options);
}

::testing::AssertionResult check_merge_gradients(MergeModule& module,
                                                 const std::vector<Tensor>& inputs,
                                                 const GradCheckOptions& options) {
  Rng rng(options.seed);
  std::vector<Tensor> xs = inputs;
  const Tensor y = module.forward(xs, options.mode);
  const Tensor r = random_like(y.shape(), rng);
  std::vector<NamedParameter> params;
  module.collect_parameters("", params);
  for (auto& p : params) p.param->grad.fill(0.0f);
  const std::vector<Tensor> dxs = module.backward(r);
  std::vector<Tensor> param_grads;
  for (auto& p : params) param_grads.push_back(p.param->grad);
  if (dxs.size() != xs.size())
    return ::testing::AssertionFailure() << module.type_name() << ": " << dxs.size()
                                         << " input gradients for " << xs.size() << " inputs";
  auto loss = [&] { return weighted_sum(module.forward(xs, options.mode), r); };
  std::ostringstream failures;
  int failure_count = 0, checked = 0, skipped = 0;
  if (options.check_input)
    for (std::size_t k = 0; k < xs.size(); ++k)
      compare("input" + std::to_string(k), xs[k], nullptr, dxs[k], loss, options, rng, failures,
              failure_count, checked, skipped);
  if (options.check_parameters)
    for (std::size_t k = 0; k < params.size(); ++k)
      compare(params[k].name, params[k].param->value, params[k].param, param_grads[k], loss, options, rng,
              failures, failure_count, checked, skipped);
  return verdict(module.type_name(), failure_count, failures, checked, skipped, options);
}

}  // namespace bitnas::testing

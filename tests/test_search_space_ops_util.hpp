#pragma once
// Spaces, inputs and module walks shared by the search-space op tests.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "ops/core/module.hpp"
#include "ops/core/random.hpp"
#include "ops/layers/binary_conv2d.hpp"
#include "search_spaces/search_space_config.hpp"
#include "tests/support/gradient_check.hpp"

namespace bitnas::testing {

// aw_nas XNOR ResNet18 knobs (docs/DESIGN.md, The baselines).
inline SearchSpaceConfig xnor_space() {
  SearchSpaceConfig s;
  s.binary.layer_order = LayerOrder::bn_conv_relu;
  s.binary.conv.weight_scale = WeightScale::channel;
  s.binary.conv.ste_threshold = 1.3f;
  s.binary.conv.weight_ste = WeightSte::clip;
  s.binary.conv.pad_mode = PadMode::zero;
  s.downsample = Downsample::fp_conv;
  return s;
}

// BMXNet ResNetE knobs (docs/DESIGN.md, The baselines).
inline SearchSpaceConfig bmxnet_space() {
  SearchSpaceConfig s;
  s.binary.layer_order = LayerOrder::sign_conv_bn;
  s.binary.conv.weight_scale = WeightScale::none;
  s.binary.conv.pad_mode = PadMode::minus_one;
  s.binary.conv.output_offset = OutputOffset::bmxnet;
  s.binary.bn_eps = 2e-5f;
  s.downsample = Downsample::avgpool_fp_conv;
  return s;
}

// Every BinaryConv2d inside `m`, through Module::children(). Callers check the count against
// the binary_weight parameters, so a composite that does not list a child fails loudly.
inline std::vector<BinaryConv2d*> find_binary_convs(Module& m) {
  return find_modules<BinaryConv2d>(m);
}

inline int count_params_with_role(Module& m, ParamRole role) {
  int n = 0;
  for (auto& p : m.parameters()) n += p.param->role == role ? 1 : 0;
  return n;
}

inline std::int64_t count_parameter_values(Module& m) {
  std::int64_t n = 0;
  for (auto& p : m.parameters()) n += p.param->value.numel();
  return n;
}

// A gradient-check input whose every channel has batch mean exactly `center`: image 1
// mirrors image 0 around it, offsets lying in +-[0.1, 1]. So a leading train-mode BN outputs
// values at least ~0.15 from sign()'s kink, the zeros a PixelShift pads in normalise to a
// value off the kink too, and an op reading the input directly sees |x| >= 0.05.
inline Tensor balanced_batch(int h, int w, int c, std::uint64_t seed, float center = 0.05f) {
  Rng rng(seed);
  Tensor t({2, h, w, c});
  const std::int64_t half = t.numel() / 2;
  for (std::int64_t i = 0; i < half; ++i) {
    const float v = rng.uniform(0.1f, 1.0f) * (rng.below(2) ? 1.0f : -1.0f);
    t[i] = center + v;
    t[half + i] = center - v;
  }
  return t;
}

// The space with Bi-Real's approx_sign estimator, whose surrogate (docs/DESIGN.md, Binary
// convolution) is continuously differentiable: the clamp of ste(t) has kinks at +-t, which BN
// outputs inside a composed op land near often enough to break finite differences. Thresholds are
// BinaryConv2d's tests' business; these tests are about how ops compose.
inline SearchSpaceConfig with_smooth_ste(SearchSpaceConfig space) {
  space.binary.conv.activation_ste = ActivationSte::approx_sign;
  return space;
}

// Prepares every binary conv of `op` for a gradient check of the composed op. Each conv is
// switched to its STE surrogate forward (BinaryConv2d::set_surrogate_forward), whose value is
// the binary conv's at its anchor (x0, W0) plus terms linear in s(x) - s(x0) and
// r(W) - r(W0). Checked at the anchor, outputs are the binary conv's integers (times alpha),
// and an exact 0 put into a ReLU, or a tie into a max pool, is a kink finite differences
// cannot see through. So the anchor is taken off the checked point: one forward of
// `anchor_input` (unrelated to the checked input), then every latent weight is moved by a
// random 0.002 to 0.01 away from zero. Weights start at least 0.03 from 0, so no
// finite-difference step flips sign(W). The check stays exact off the anchor while the
// scales are constants (ScaleGradient::stop), which the test spaces use. Returns how many
// convs were prepared.
inline int prepare_binary_convs(Module& op, const Tensor& anchor_input, std::uint64_t seed = 17) {
  const std::vector<BinaryConv2d*> convs = find_binary_convs(op);
  if (convs.empty()) return 0;
  for (BinaryConv2d* conv : convs) {
    for (float& w : conv->weight().value.values())
      if (std::abs(w) < 0.03f) w = w < 0.0f ? -0.03f : 0.03f;
    conv->weight().mark_modified();
    conv->set_surrogate_forward(true);
  }
  op.forward(anchor_input, Mode::train);
  Rng rng(seed);
  for (BinaryConv2d* conv : convs) {
    for (float& w : conv->weight().value.values())
      w += (w < 0.0f ? -1.0f : 1.0f) * rng.uniform(0.002f, 0.01f);
    conv->weight().mark_modified();
  }
  return static_cast<int>(convs.size());
}

// Gradient check of a composed op at the inputs `make_input(0)`, `make_input(1)`, ...
//
// Inside an op, BN couples every value of a channel, so one perturbed parameter moves many
// values at once; one of them lying within the step of a ReLU's kink (or of a deeper binary
// conv's sign flip) spoils that coordinate's central difference. A smaller step avoids kinks
// but drowns in the float32 rounding of the forward. So each input is checked at a fine and a
// coarse step, and the op passes when one check passes: a wrong gradient is wrong at every
// step and input, while a kink closer than the fine step to a value is rare (about one op in
// thirty here) and needs to recur at the next input to fail the test.
template <typename MakeInput>
::testing::AssertionResult check_op_gradients(Module& op, MakeInput make_input, int inputs = 3) {
  GradCheckOptions fine;
  fine.step = 2.5e-4f;
  fine.abs_tolerance = 5e-3;
  fine.max_checks_per_tensor = 16;
  GradCheckOptions coarse = fine;
  coarse.step = 2e-3f;
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  for (int k = 0; k < inputs; ++k) {
    const Tensor x = make_input(k);
    for (const GradCheckOptions& options : {fine, coarse}) {
      ::testing::AssertionResult r = check_module_gradients(op, x, options);
      if (r) return r;
      failure << "input " << k << ", step " << options.step << ": " << r.message();
    }
  }
  return failure;
}

}  // namespace bitnas::testing

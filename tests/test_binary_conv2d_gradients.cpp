// BinaryConv2d's backward against finite differences of its STE surrogate forward, over every
// combination of pad mode, weight scale, scale gradient, activation scale, activation STE,
// weight STE and output offset; kernel sizes 1/3/5, stride 2, dilation 2 and groups 2 rotate
// through the table.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "ops/core/random.hpp"
#include "ops/layers/binary_conv2d.hpp"
#include "tests/support/gradient_check.hpp"

namespace bitnas {
namespace {

struct Geometry {
  int in_c, out_c, h, kernel, stride, padding, dilation, groups;
};

// Seven shapes: seven is prime to every knob's count, so each knob value meets each shape.
const Geometry kGeometries[] = {
    {4, 4, 5, 3, 1, 1, 1, 1}, {4, 4, 6, 3, 2, 1, 1, 1}, {4, 4, 6, 3, 1, 2, 2, 1},
    {4, 4, 5, 5, 1, 2, 1, 2}, {3, 4, 4, 1, 1, 0, 1, 1}, {4, 2, 5, 1, 2, 1, 1, 2},
    {4, 4, 6, 5, 2, 1, 1, 1}};

struct ActivationEstimator {
  ActivationSte ste;
  float threshold;
};

struct GradCase {
  int index;
  Geometry geo;
  BinaryConv2dOptions options;
};

std::vector<GradCase> all_cases() {
  std::vector<GradCase> cases;
  for (PadMode pad : {PadMode::zero, PadMode::plus_one, PadMode::minus_one})
    for (WeightScale ws : {WeightScale::none, WeightScale::tensor, WeightScale::channel})
      for (ScaleGradient sg : {ScaleGradient::stop, ScaleGradient::flow})
        for (ActivationScale as : {ActivationScale::none, ActivationScale::xnor_k})
          for (ActivationEstimator est : {ActivationEstimator{ActivationSte::ste, 1.0f},
                                          ActivationEstimator{ActivationSte::ste, 1.3f},
                                          ActivationEstimator{ActivationSte::approx_sign, 1.0f}})
            for (WeightSte wste : {WeightSte::identity, WeightSte::clip})
              for (OutputOffset off : {OutputOffset::none, OutputOffset::bmxnet}) {
                // With nothing to scale, flow is the same layer as stop.
                if (sg == ScaleGradient::flow && ws == WeightScale::none &&
                    as == ActivationScale::none)
                  continue;
                const int index = static_cast<int>(cases.size());
                const Geometry& geo = kGeometries[index % std::size(kGeometries)];
                BinaryConv2dOptions o;
                o.kernel = geo.kernel;
                o.stride = geo.stride;
                o.padding = geo.padding;
                o.dilation = geo.dilation;
                o.groups = geo.groups;
                o.pad_mode = pad;
                o.weight_scale = ws;
                o.scale_gradient = sg;
                o.activation_scale = as;
                o.activation_ste = est.ste;
                o.ste_threshold = est.threshold;
                o.weight_ste = wste;
                o.output_offset = off;
                cases.push_back({index, geo, o});
              }
  return cases;
}

// Values whose magnitude lies in one of `bands` (chosen at random), with a random sign. The
// bands keep every value at least 0.05 from the kinks of sign, |.|, the STEs (t = 1, 1.3) and
// the clip, so a finite-difference step of 0.01 never crosses one.
Tensor away_from_kinks(const Shape& shape, const std::vector<std::pair<float, float>>& bands,
                       Rng& rng) {
  Tensor t(shape);
  for (float& v : t.values()) {
    const auto& [lo, hi] = bands[rng.below(bands.size())];
    v = rng.uniform(lo, hi) * (rng.below(2) ? 1.0f : -1.0f);
  }
  return t;
}

class BinaryConv2dGradients : public ::testing::TestWithParam<GradCase> {};

TEST_P(BinaryConv2dGradients, MatchSurrogateFiniteDifferences) {
  const GradCase& c = GetParam();
  Rng rng(1000 + c.index);
  BinaryConv2d layer(c.geo.in_c, c.geo.out_c, c.options, rng);
  // Inside the STE window, beyond t = 1 but inside t = 1.3, beyond both.
  const Tensor x = away_from_kinks({2, c.geo.h, c.geo.h, c.geo.in_c},
                                   {{0.1f, 0.9f}, {0.1f, 0.9f}, {1.05f, 1.2f}, {1.45f, 2.0f}},
                                   rng);
  // Inside the clip window and outside it (the clip mask then zeroes the gradient).
  layer.weight().value = away_from_kinks(layer.weight().value.shape(),
                                         {{0.1f, 0.9f}, {0.1f, 0.9f}, {1.1f, 1.5f}}, rng);
  layer.weight().mark_modified();
  const Tensor bitwise = layer.forward(x, Mode::eval);

  layer.set_surrogate_forward(true);
  // At its anchor the surrogate is the binary conv itself.
  const Tensor surrogate = layer.forward(x, Mode::train);
  for (std::int64_t i = 0; i < bitwise.numel(); ++i)
    ASSERT_NEAR(surrogate[i], bitwise[i], 1e-5f * std::max(1.0f, std::abs(bitwise[i])));

  testing::GradCheckOptions check;
  // Every surrogate is piecewise polynomial of degree <= 3 in one coordinate, so a larger step
  // costs little truncation error and keeps float rounding of y out of the differences.
  check.step = 1e-2f;
  check.max_checks_per_tensor = 32;
  EXPECT_TRUE(testing::check_module_gradients(layer, x, check)) << c.options.to_string();
}

INSTANTIATE_TEST_SUITE_P(
    AllKnobs, BinaryConv2dGradients, ::testing::ValuesIn(all_cases()),
    [](const ::testing::TestParamInfo<GradCase>& info) {
      const BinaryConv2dOptions& o = info.param.options;
      std::string name = std::to_string(info.param.index) + "_" + to_string(o.pad_mode) + "_" +
                         to_string(o.weight_scale) + "_" + to_string(o.scale_gradient) + "_" +
                         to_string(o.activation_scale) + "_" + to_string(o.activation_ste) +
                         (o.activation_ste == ActivationSte::ste && o.ste_threshold != 1.0f
                              ? "13"
                              : "") +
                         "_" + to_string(o.weight_ste) + "_" + to_string(o.output_offset) +
                         "_k" + std::to_string(o.kernel);
      return name;
    });

}  // namespace
}  // namespace bitnas

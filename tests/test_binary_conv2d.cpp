// BinaryConv2d values: the bitwise forward against a float oracle written here from docs/DESIGN.md
// (Binary convolution: sign, alpha, K-map and offset computed independently of the layer's
// helpers), the popcount offset, the K-map on a hand example, the STE masks on hand examples, the
// packed-weight cache, and argument errors. Gradients: test_binary_conv2d_gradients.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/core/random.hpp"
#include "ops/kernels/float_conv.hpp"
#include "ops/layers/binary_conv2d.hpp"
#include "ops/optim/sgd.hpp"

namespace bitnas {
namespace {

float pm1(float v) { return v < 0.0f ? -1.0f : 1.0f; }

Tensor pm1_tensor(const Tensor& t) {
  Tensor out(t.shape());
  for (std::int64_t i = 0; i < t.numel(); ++i) out[i] = pm1(t[i]);
  return out;
}

Tensor random_tensor(const Shape& shape, Rng& rng) {
  Tensor t(shape);
  fill_uniform(t, rng, -1.0f, 1.0f);
  return t;
}

// Message of the std::invalid_argument `fn` throws ("" if it throws nothing).
template <typename Fn>
std::string invalid_argument_message(Fn fn) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// docs/DESIGN.md, Binary convolution, written out: y = K * alpha * m * (dot + c), dot the float
// conv on +-1 tensors.
Tensor oracle(const Tensor& x, const BinaryConv2d& layer) {
  const BinaryConv2dOptions& opt = layer.options();
  const ConvGeometry g = layer.geometry(x.shape());
  const Tensor& w = layer.weight().value;
  const Tensor dot = float_conv_forward(pm1_tensor(x), pm1_tensor(w), g, pad_value(opt.pad_mode));

  const int oc = g.out_c;
  const std::int64_t row = w.numel() / oc;
  std::vector<double> alpha(oc, 1.0);
  double total = 0.0;
  for (int o = 0; o < oc; ++o) {
    double s = 0.0;
    for (std::int64_t i = 0; i < row; ++i) s += std::abs(w[o * row + i]);
    if (opt.weight_scale == WeightScale::channel) alpha[o] = s / row;
    total += s;
  }
  if (opt.weight_scale == WeightScale::tensor) alpha.assign(oc, total / w.numel());

  const bool popcount = opt.output_offset == OutputOffset::bmxnet;
  const double m = popcount ? 0.5 : 1.0, c = popcount ? g.k_per_group() : 0.0;
  Tensor y(g.output_shape());
  for (int n = 0; n < g.batch; ++n)
    for (int oy = 0; oy < g.out_h(); ++oy)
      for (int ox = 0; ox < g.out_w(); ++ox) {
        double k = 1.0;
        if (opt.activation_scale == ActivationScale::xnor_k) {
          double sum = 0.0;
          for (int ky = 0; ky < g.kernel; ++ky)
            for (int kx = 0; kx < g.kernel; ++kx) {
              const int iy = oy * g.stride - g.padding + ky * g.dilation;
              const int ix = ox * g.stride - g.padding + kx * g.dilation;
              if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) continue;
              for (int ci = 0; ci < g.in_c; ++ci) sum += std::abs(x.at(n, iy, ix, ci)) / g.in_c;
            }
          k = sum / (g.kernel * g.kernel);
        }
        for (int o = 0; o < oc; ++o)
          y.at(n, oy, ox, o) =
              static_cast<float>(k * alpha[o] * m * (dot.at(n, oy, ox, o) + c));
      }
  return y;
}

struct Geometry {
  int in_c, out_c, h, kernel, stride, padding, dilation, groups;
};

const Geometry kGeometries[] = {
    {3, 4, 5, 3, 1, 1, 1, 1},  {4, 6, 6, 3, 2, 1, 1, 2},   {4, 4, 7, 3, 1, 2, 2, 1},
    {6, 4, 5, 5, 1, 2, 1, 2},  {5, 3, 4, 1, 2, 0, 1, 1},   {70, 8, 4, 3, 1, 1, 1, 1},
    {130, 4, 3, 3, 2, 1, 1, 2}};

BinaryConv2dOptions with_geometry(const Geometry& geo) {
  BinaryConv2dOptions opt;
  opt.kernel = geo.kernel;
  opt.stride = geo.stride;
  opt.padding = geo.padding;
  opt.dilation = geo.dilation;
  opt.groups = geo.groups;
  return opt;
}

TEST(BinaryConv2dForward, MatchesFloatConvOnSignsForEveryScaleAndOffset) {
  Rng rng(11);
  for (const Geometry& geo : kGeometries)
    for (PadMode pad : {PadMode::zero, PadMode::plus_one, PadMode::minus_one})
      for (WeightScale ws : {WeightScale::none, WeightScale::tensor, WeightScale::channel})
        for (ActivationScale as : {ActivationScale::none, ActivationScale::xnor_k})
          for (OutputOffset off : {OutputOffset::none, OutputOffset::bmxnet}) {
            BinaryConv2dOptions opt = with_geometry(geo);
            opt.pad_mode = pad;
            opt.weight_scale = ws;
            opt.activation_scale = as;
            opt.output_offset = off;
            BinaryConv2d layer(geo.in_c, geo.out_c, opt, rng);
            Tensor x = random_tensor({2, geo.h, geo.h, geo.in_c}, rng);
            x[0] = 0.0f;  // sign(0) = sign(-0) = +1 in both the kernel and the oracle
            x[1] = -0.0f;
            const Tensor expect = oracle(x, layer);
            for (Mode mode : {Mode::eval, Mode::train}) {
              const Tensor y = layer.forward(x, mode);
              ASSERT_EQ(y.shape(), expect.shape());
              const bool exact = ws == WeightScale::none && as == ActivationScale::none;
              for (std::int64_t i = 0; i < y.numel(); ++i) {
                if (exact)  // integers and halves: no rounding anywhere
                  ASSERT_EQ(y[i], expect[i]) << opt.to_string() << " at " << i;
                else
                  ASSERT_NEAR(y[i], expect[i], 1e-5f * std::max(1.0f, std::abs(expect[i])))
                      << opt.to_string() << " at " << i;
              }
            }
          }
}

TEST(BinaryConv2dForward, TrainAndEvalOutputsAreBitIdenticalWhenScaleGradientsFlow) {
  Rng rng(12);
  BinaryConv2dOptions opt;
  opt.weight_scale = WeightScale::channel;
  opt.scale_gradient = ScaleGradient::flow;
  opt.activation_scale = ActivationScale::xnor_k;
  opt.output_offset = OutputOffset::bmxnet;
  BinaryConv2d layer(5, 7, opt, rng);
  const Tensor x = random_tensor({2, 6, 6, 5}, rng);
  const Tensor eval = layer.forward(x, Mode::eval);
  const Tensor train = layer.forward(x, Mode::train);
  for (std::int64_t i = 0; i < eval.numel(); ++i) ASSERT_EQ(eval[i], train[i]) << i;
}

TEST(BinaryConv2dForward, BmxnetOffsetCountsAgreeingSigns) {
  // With +-1 padding every tap holds a sign, so (dot + K) / 2 is the XNOR popcount.
  Rng rng(13);
  for (PadMode pad : {PadMode::plus_one, PadMode::minus_one}) {
    BinaryConv2dOptions opt;
    opt.pad_mode = pad;
    opt.output_offset = OutputOffset::bmxnet;
    opt.stride = 2;
    BinaryConv2d layer(67, 3, opt, rng);
    const Tensor x = random_tensor({1, 5, 5, 67}, rng);
    const Tensor y = layer.forward(x, Mode::eval);
    const ConvGeometry g = layer.geometry(x.shape());
    const Tensor& w = layer.weight().value;
    for (int oy = 0; oy < g.out_h(); ++oy)
      for (int ox = 0; ox < g.out_w(); ++ox)
        for (int o = 0; o < 3; ++o) {
          int agree = 0;
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx)
              for (int c = 0; c < 67; ++c) {
                const int iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx;
                const bool inside = iy >= 0 && iy < 5 && ix >= 0 && ix < 5;
                const float a = inside ? pm1(x.at(0, iy, ix, c)) : pad_value(pad);
                agree += a == pm1(w.at(o, ky, kx, c));
              }
          ASSERT_EQ(y.at(0, oy, ox, o), static_cast<float>(agree)) << to_string(pad);
        }
  }
}

TEST(BinaryConv2dForward, XnorKMapOnAHandExample) {
  // Mean |x| over the two channels is A = [[1,2,3],[4,5,6],[7,8,9]]; all signs and weights are
  // +1, so with zero padding dot = 2 * (taps inside the image).
  Rng rng(14);
  BinaryConv2dOptions opt;
  opt.activation_scale = ActivationScale::xnor_k;
  BinaryConv2d layer(2, 1, opt, rng);
  layer.weight().value.fill(0.5f);
  layer.weight().mark_modified();
  Tensor x({1, 3, 3, 2});
  for (int i = 0; i < 9; ++i) {
    x[2 * i] = static_cast<float>(i + 1) + 1.0f;
    x[2 * i + 1] = static_cast<float>(i + 1) - 1.0f;
  }
  const Tensor y = layer.forward(x, Mode::eval);
  // K: corner (1+2+4+5)/9, edge (1+2+3+4+5+6)/9, centre 45/9.
  EXPECT_FLOAT_EQ(y.at(0, 0, 0, 0), 12.0f / 9.0f * 8.0f);
  EXPECT_FLOAT_EQ(y.at(0, 0, 1, 0), 21.0f / 9.0f * 12.0f);
  EXPECT_FLOAT_EQ(y.at(0, 1, 1, 0), 5.0f * 18.0f);
  EXPECT_FLOAT_EQ(y.at(0, 2, 2, 0), (5.0f + 6.0f + 8.0f + 9.0f) / 9.0f * 8.0f);
}

// A 1x1 conv of one channel over four pixels: dL/dx_i = G_i * sign(W) * ste(x_i).
struct SteCase {
  ActivationSte ste;
  float threshold;
  std::vector<float> mask;
};

TEST(BinaryConv2dBackward, ActivationSteMasksOnAHandExample) {
  const Tensor x({1, 1, 4, 1}, {0.5f, 1.2f, -2.0f, -0.9f});
  const Tensor g({1, 1, 4, 1}, {1.0f, 2.0f, 3.0f, 4.0f});
  for (const SteCase& c : {SteCase{ActivationSte::ste, 1.0f, {1, 0, 0, 1}},
                           SteCase{ActivationSte::ste, 1.3f, {1, 1, 0, 1}},
                           SteCase{ActivationSte::approx_sign, 1.0f, {1, 0, 0, 0.2f}}}) {
    Rng rng(15);
    BinaryConv2dOptions opt;
    opt.kernel = 1;
    opt.padding = 0;
    opt.activation_ste = c.ste;
    opt.ste_threshold = c.threshold;
    BinaryConv2d layer(1, 1, opt, rng);
    layer.weight().value[0] = -0.3f;
    layer.weight().mark_modified();
    layer.forward(x, Mode::train);
    const Tensor dx = layer.backward(g);
    for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(dx[i], -g[i] * c.mask[i]) << opt.to_string();
  }
}

// The input gradient under the indicator STE (kept as one byte per input value, not the
// input) against the float conv's backward on the +-1 tensors, masked by |x| <= t, bit for
// bit, on odd shapes, every pad mode, strides, dilation and groups; inputs include exact
// zeros and values exactly at the threshold.
TEST(BinaryConv2dBackward, IndicatorSteMatchesFloatConvBackwardOnSigns) {
  struct Case {
    Geometry geo;
    int batch, width;
    PadMode pad;
    float threshold;
  };
  for (const Case& c : {Case{{6, 5, 5, 3, 1, 1, 1, 1}, 3, 7, PadMode::zero, 1.0f},
                        Case{{6, 4, 7, 3, 2, 1, 2, 2}, 2, 5, PadMode::minus_one, 1.3f},
                        Case{{3, 7, 9, 5, 1, 2, 1, 1}, 1, 9, PadMode::plus_one, 0.5f},
                        Case{{65, 3, 4, 1, 1, 0, 1, 1}, 2, 6, PadMode::zero, 1.0f}}) {
    Rng rng(31);
    BinaryConv2dOptions opt = with_geometry(c.geo);
    opt.pad_mode = c.pad;
    opt.ste_threshold = c.threshold;
    BinaryConv2d layer(c.geo.in_c, c.geo.out_c, opt, rng);
    Tensor x = random_tensor({c.batch, c.geo.h, c.width, c.geo.in_c}, rng);
    x.scale_(2.0f);
    x[0] = 0.0f;
    x[1] = -0.0f;
    x[2] = c.threshold;
    x[3] = -c.threshold;
    const ConvGeometry g = layer.geometry(x.shape());
    const Tensor dy = random_tensor(g.output_shape(), rng);
    layer.zero_grad();
    layer.forward(x, Mode::train);
    const Tensor dx = layer.backward(dy);

    Tensor expect_dx, expect_dw(layer.weight().value.shape());
    float_conv_backward(pm1_tensor(x), pm1_tensor(layer.weight().value), dy, g,
                        pad_value(c.pad), &expect_dx, &expect_dw);
    for (std::int64_t i = 0; i < x.numel(); ++i)
      expect_dx[i] *= std::abs(x[i]) <= c.threshold ? 1.0f : 0.0f;
    ASSERT_EQ(dx.shape(), expect_dx.shape());
    for (std::int64_t i = 0; i < dx.numel(); ++i)
      ASSERT_EQ(dx[i], expect_dx[i]) << opt.to_string() << " input gradient at " << i;
    for (std::int64_t i = 0; i < expect_dw.numel(); ++i)
      ASSERT_EQ(layer.weight().grad[i], expect_dw[i]) << opt.to_string() << " weight gradient at " << i;
  }
}

TEST(BinaryConv2dBackward, WeightSteAndScaleGradientOnAHandExample) {
  // y_i = alpha * sign(W) * sign(x_i), alpha = |W| for one weight. Through the STE,
  // dL/dW = alpha * sum G_i sign(x_i) = 0.3 * (1 + 2 - 3 - 4) = -1.2; a flowing scale adds
  // dalpha/dW * sum G_i sign(W) sign(x_i) = -1 * 4.
  const Tensor x({1, 1, 4, 1}, {0.5f, 1.2f, -2.0f, -0.9f});
  const Tensor g({1, 1, 4, 1}, {1.0f, 2.0f, 3.0f, 4.0f});
  struct Case {
    WeightSte wste;
    ScaleGradient grad;
    float w, expect;
  };
  for (const Case& c : {Case{WeightSte::identity, ScaleGradient::stop, -0.3f, -1.2f},
                        Case{WeightSte::identity, ScaleGradient::flow, -0.3f, -5.2f},
                        Case{WeightSte::clip, ScaleGradient::stop, -0.3f, -1.2f},
                        Case{WeightSte::clip, ScaleGradient::stop, -1.5f, 0.0f},
                        Case{WeightSte::clip, ScaleGradient::flow, -1.5f, -4.0f}}) {
    Rng rng(16);
    BinaryConv2dOptions opt;
    opt.kernel = 1;
    opt.padding = 0;
    opt.weight_scale = WeightScale::channel;
    opt.scale_gradient = c.grad;
    opt.weight_ste = c.wste;
    BinaryConv2d layer(1, 1, opt, rng);
    layer.weight().value[0] = c.w;
    layer.weight().mark_modified();
    layer.forward(x, Mode::train);
    layer.zero_grad();
    layer.backward(g);
    EXPECT_FLOAT_EQ(layer.weight().grad[0], c.expect) << opt.to_string() << " W=" << c.w;
  }
}

TEST(BinaryConv2dBackward, AccumulatesIntoTheWeightGradient) {
  Rng rng(17);
  BinaryConv2d layer(3, 4, BinaryConv2dOptions{}, rng);
  const Tensor x = random_tensor({1, 4, 4, 3}, rng);
  const Tensor g = random_tensor({1, 4, 4, 4}, rng);
  layer.zero_grad();
  layer.forward(x, Mode::train);
  layer.backward(g);
  const Tensor once = layer.weight().grad;
  layer.forward(x, Mode::train);  // backward frees what its forward saved
  layer.backward(g);
  for (std::int64_t i = 0; i < once.numel(); ++i)
    EXPECT_FLOAT_EQ(layer.weight().grad[i], 2.0f * once[i]);
}

TEST(BinaryConv2dCache, RepacksOncePerParameterVersion) {
  Rng rng(18);
  BinaryConv2d layer(8, 4, BinaryConv2dOptions{}, rng);
  const Tensor x = random_tensor({2, 5, 5, 8}, rng);
  EXPECT_EQ(layer.weight_pack_count(), 0u);
  const Tensor first = layer.forward(x, Mode::eval);
  layer.forward(x, Mode::train);
  layer.forward(x, Mode::eval);
  EXPECT_EQ(layer.weight_pack_count(), 1u);

  // Editing the value without bumping the version is not seen: the packed signs are reused.
  for (float& v : layer.weight().value.values()) v = -v;
  const Tensor stale = layer.forward(x, Mode::eval);
  EXPECT_EQ(layer.weight_pack_count(), 1u);
  for (std::int64_t i = 0; i < first.numel(); ++i) ASSERT_EQ(stale[i], first[i]);

  layer.weight().mark_modified();
  const Tensor flipped = layer.forward(x, Mode::eval);
  layer.forward(x, Mode::eval);
  EXPECT_EQ(layer.weight_pack_count(), 2u);
  for (std::int64_t i = 0; i < first.numel(); ++i) ASSERT_EQ(flipped[i], -first[i]);
}

TEST(BinaryConv2dCache, RepacksAfterAnOptimizerStep) {
  Rng rng(19);
  BinaryConv2d layer(4, 4, BinaryConv2dOptions{}, rng);
  const Tensor x = random_tensor({1, 4, 4, 4}, rng);
  Sgd sgd({ParamGroup{{&layer.weight()}, 0.1f, 0.0f}});
  layer.forward(x, Mode::train);
  layer.backward(random_tensor({1, 4, 4, 4}, rng));
  sgd.step();
  layer.forward(x, Mode::train);
  EXPECT_EQ(layer.weight_pack_count(), 2u);
}

TEST(BinaryConv2dCache, RepacksWhenTheTierChanges) {
  const std::vector<Isa> tiers = supported_isas();
  Rng rng(20);
  BinaryConv2d layer(70, 4, BinaryConv2dOptions{}, rng);
  const Tensor x = random_tensor({1, 5, 5, 70}, rng);
  std::uint64_t expected_packs = 0;
  Tensor reference;
  for (int round = 0; round < 2; ++round)
    for (Isa isa : tiers) {
      layer.set_isa(isa);
      const Tensor y = layer.forward(x, Mode::eval);
      layer.forward(x, Mode::eval);
      // Each switch repacks; staying on a tier does not. The tier never changes the result.
      expected_packs += (tiers.size() > 1 || round == 0) ? 1 : 0;
      EXPECT_EQ(layer.weight_pack_count(), expected_packs) << to_string(isa);
      if (reference.empty()) reference = y;
      for (std::int64_t i = 0; i < y.numel(); ++i) ASSERT_EQ(y[i], reference[i]) << to_string(isa);
    }
}

TEST(BinaryConv2dErrors, WrongInputChannelsNameTheExpectedCount) {
  Rng rng(21);
  BinaryConv2d layer(4, 8, BinaryConv2dOptions{}, rng);
  const std::string msg =
      invalid_argument_message([&] { layer.forward(Tensor({1, 5, 5, 3}), Mode::eval); });
  EXPECT_NE(msg.find("expected 4 input channels"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[1, 5, 5, 3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("BinaryConv2d(4->8"), std::string::npos) << msg;
  const std::string rank =
      invalid_argument_message([&] { layer.forward(Tensor({5, 5, 4}), Mode::eval); });
  EXPECT_NE(rank.find("rank 4"), std::string::npos) << rank;
}

TEST(BinaryConv2dErrors, BackwardNeedsATrainForward) {
  Rng rng(22);
  BinaryConv2d layer(2, 2, BinaryConv2dOptions{}, rng);
  EXPECT_THROW(layer.backward(Tensor({1, 3, 3, 2})), std::logic_error);
  layer.forward(Tensor({1, 3, 3, 2}), Mode::eval);
  EXPECT_THROW(layer.backward(Tensor({1, 3, 3, 2})), std::logic_error);
  layer.forward(Tensor({1, 3, 3, 2}), Mode::train);
  EXPECT_THROW(layer.backward(Tensor({1, 4, 4, 2})), std::invalid_argument);
}

TEST(BinaryConv2dErrors, BadConstructorArguments) {
  Rng rng(23);
  BinaryConv2dOptions grouped;
  grouped.groups = 3;
  EXPECT_NE(invalid_argument_message([&] { BinaryConv2d(4, 6, grouped, rng); })
                .find("groups must divide"),
            std::string::npos);
  BinaryConv2dOptions bad_t;
  bad_t.ste_threshold = 0.0f;
  EXPECT_NE(invalid_argument_message([&] { BinaryConv2d(4, 4, bad_t, rng); })
                .find("ste_threshold"),
            std::string::npos);
  BinaryConv2dOptions bad_k;
  bad_k.kernel = 0;
  EXPECT_THROW(BinaryConv2d(4, 4, bad_k, rng), std::invalid_argument);
}

TEST(BinaryConv2dParameters, RoleInitAndClip) {
  Rng rng(24);
  BinaryConv2dOptions opt;
  opt.kernel = 3;
  opt.groups = 2;
  BinaryConv2d plain(8, 6, opt, rng);
  auto params = plain.parameters();
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].name, "weight");
  EXPECT_EQ(params[0].param->role, ParamRole::binary_weight);
  EXPECT_EQ(params[0].param->value.shape(), (Shape{6, 3, 3, 4}));
  EXPECT_FALSE(params[0].param->clamp.has_value());
  const float bound = 1.0f / std::sqrt(36.0f);  // fan_in = 4 channels * 3 * 3
  float largest = 0.0f;
  for (float v : params[0].param->value.values()) largest = std::max(largest, std::abs(v));
  EXPECT_LE(largest, bound);
  EXPECT_GT(largest, 0.5f * bound);

  opt.weight_ste = WeightSte::clip;
  BinaryConv2d clipped(8, 6, opt, rng);
  ASSERT_TRUE(clipped.weight().clamp.has_value());
  EXPECT_EQ(*clipped.weight().clamp, 1.0f);
}

TEST(BinaryConv2dOptions, EveryKnobParsesAndPrints) {
  for (WeightScale v : {WeightScale::none, WeightScale::tensor, WeightScale::channel})
    EXPECT_EQ(parse_weight_scale(to_string(v)), v);
  for (ScaleGradient v : {ScaleGradient::stop, ScaleGradient::flow})
    EXPECT_EQ(parse_scale_gradient(to_string(v)), v);
  for (ActivationScale v : {ActivationScale::none, ActivationScale::xnor_k})
    EXPECT_EQ(parse_activation_scale(to_string(v)), v);
  for (ActivationSte v : {ActivationSte::ste, ActivationSte::approx_sign})
    EXPECT_EQ(parse_activation_ste(to_string(v)), v);
  for (WeightSte v : {WeightSte::identity, WeightSte::clip})
    EXPECT_EQ(parse_weight_ste(to_string(v)), v);
  for (OutputOffset v : {OutputOffset::none, OutputOffset::bmxnet})
    EXPECT_EQ(parse_output_offset(to_string(v)), v);
}

TEST(BinaryConv2dOptions, UnknownNamesListTheValidOnes) {
  EXPECT_EQ(invalid_argument_message([] { parse_weight_scale("chanel"); }),
            "unknown weight scale 'chanel' (expected none, tensor or channel)");
  EXPECT_EQ(invalid_argument_message([] { parse_scale_gradient("Stop"); }),
            "unknown scale gradient 'Stop' (expected stop or flow)");
  EXPECT_EQ(invalid_argument_message([] { parse_activation_scale("xnor"); }),
            "unknown activation scale 'xnor' (expected none or xnor_k)");
  EXPECT_EQ(invalid_argument_message([] { parse_activation_ste(""); }),
            "unknown activation STE '' (expected ste or approx_sign)");
  EXPECT_EQ(invalid_argument_message([] { parse_weight_ste("clamp"); }),
            "unknown weight STE 'clamp' (expected identity or clip)");
  EXPECT_EQ(invalid_argument_message([] { parse_output_offset("popcount"); }),
            "unknown output offset 'popcount' (expected none or bmxnet)");
}

}  // namespace
}  // namespace bitnas

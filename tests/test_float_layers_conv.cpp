// Conv2d and Linear: gradient checks, a naive-loop oracle, init and error messages.
#include <gtest/gtest.h>

#include <cmath>

#include "ops/layers/conv2d.hpp"
#include "ops/layers/linear.hpp"
#include "tests/support/gradient_check.hpp"
#include "tests/test_float_layers_util.hpp"

namespace bitnas {
namespace {

using testing::all_near;
using testing::check_module_gradients;
using testing::random_tensor;
using testing::throws_invalid_argument;

struct ConvCase {
  Shape input;
  int out_channels, kernel;
  Conv2dOptions options;
};

// Direct seven-loop convolution written from the definition, independent of im2col.
Tensor naive_conv(const Tensor& x, const Tensor& w, const Tensor* bias, const ConvCase& c) {
  const int N = x.dim(0), H = x.dim(1), W = x.dim(2), C = x.dim(3);
  const int k = c.kernel, s = c.options.stride, p = c.options.padding, d = c.options.dilation;
  const int G = c.options.groups, O = c.out_channels, cg = C / G, og = O / G;
  const int OH = (H + 2 * p - d * (k - 1) - 1) / s + 1, OW = (W + 2 * p - d * (k - 1) - 1) / s + 1;
  Tensor y({N, OH, OW, O});
  for (int n = 0; n < N; ++n)
    for (int oy = 0; oy < OH; ++oy)
      for (int ox = 0; ox < OW; ++ox)
        for (int o = 0; o < O; ++o) {
          double acc = bias ? (*bias)[o] : 0.0;
          const int grp = o / og;
          for (int ky = 0; ky < k; ++ky)
            for (int kx = 0; kx < k; ++kx)
              for (int ci = 0; ci < cg; ++ci) {
                const int iy = oy * s - p + ky * d, ix = ox * s - p + kx * d;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                acc += static_cast<double>(x.at(n, iy, ix, grp * cg + ci)) *
                       w[((static_cast<std::int64_t>(o) * k + ky) * k + kx) * cg + ci];
              }
          y.at(n, oy, ox, o) = static_cast<float>(acc);
        }
  return y;
}

const ConvCase kConvCases[] = {
    {{2, 7, 7, 4}, 6, 3, {.stride = 2, .padding = 1, .bias = true}},
    {{1, 6, 6, 3}, 2, 3, {.padding = 2, .dilation = 2}},
    {{2, 5, 5, 4}, 6, 3, {.padding = 1, .groups = 2, .bias = true}},
    {{2, 6, 5, 4}, 4, 1, {.stride = 2}},
    {{1, 8, 8, 8}, 8, 3, {.stride = 2, .padding = 2, .dilation = 2, .groups = 4, .bias = true}},
};

TEST(FloatConv2d, MatchesNaiveLoop) {
  for (const ConvCase& c : kConvCases) {
    Rng rng(11);
    Conv2d conv(c.input[3], c.out_channels, c.kernel, rng, c.options);
    const Tensor x = random_tensor(c.input, 3);
    const Tensor expected =
        naive_conv(x, conv.weight().value, conv.bias() ? &conv.bias()->value : nullptr, c);
    EXPECT_TRUE(all_near(conv.forward(x, Mode::eval), expected, 1e-5))
        << conv.geometry(c.input).to_string();
  }
}

TEST(FloatConv2d, GradientsStrideDilationGroupsBias) {
  for (const ConvCase& c : kConvCases) {
    Rng rng(5);
    Conv2d conv(c.input[3], c.out_channels, c.kernel, rng, c.options);
    EXPECT_TRUE(check_module_gradients(conv, random_tensor(c.input, 9)))
        << conv.geometry(c.input).to_string();
  }
}

// The input gradient (im2col patches times the weights, summed back by col2im), against its
// definition: dx[n, iy, ix, c] sums dy * w over every output pixel and tap that read (iy, ix).
// Odd shapes, dilation, groups, stride 2, and padding from none to more than the kernel's span.
TEST(FloatConv2d, InputGradientMatchesTheDefinition) {
  const ConvCase cases[] = {
      {{2, 7, 5, 3}, 5, 3, {.padding = 1}},
      {{1, 9, 6, 4}, 6, 5, {.padding = 2, .dilation = 1, .groups = 2}},
      {{2, 8, 7, 2}, 3, 3, {.padding = 4, .dilation = 2}},
      {{1, 6, 7, 3}, 4, 3, {.padding = 0, .dilation = 2}},
      {{2, 5, 6, 3}, 2, 1, {.padding = 1}},
      {{1, 9, 8, 4}, 4, 3, {.stride = 2, .padding = 1, .groups = 4}},
  };
  for (const ConvCase& c : cases) {
    Rng rng(21);
    Conv2d conv(c.input[3], c.out_channels, c.kernel, rng, c.options);
    const Tensor x = random_tensor(c.input, 4);
    const Tensor y = conv.forward(x, Mode::train);
    const Tensor dy = random_tensor(y.shape(), 8);
    const Tensor dx = conv.backward(dy);
    const Tensor& w = conv.weight().value;
    const int k = c.kernel, s = c.options.stride, p = c.options.padding, d = c.options.dilation;
    const int cg = c.input[3] / c.options.groups, og = c.out_channels / c.options.groups;
    std::vector<double> expected(static_cast<std::size_t>(x.numel()), 0.0);
    for (int n = 0; n < y.dim(0); ++n)
      for (int oy = 0; oy < y.dim(1); ++oy)
        for (int ox = 0; ox < y.dim(2); ++ox)
          for (int o = 0; o < c.out_channels; ++o)
            for (int ky = 0; ky < k; ++ky)
              for (int kx = 0; kx < k; ++kx)
                for (int ci = 0; ci < cg; ++ci) {
                  const int iy = oy * s - p + ky * d, ix = ox * s - p + kx * d;
                  if (iy < 0 || iy >= x.dim(1) || ix < 0 || ix >= x.dim(2)) continue;
                  const int channel = (o / og) * cg + ci;
                  expected[((static_cast<std::size_t>(n) * x.dim(1) + iy) * x.dim(2) + ix) * x.dim(3) + channel] +=
                      static_cast<double>(dy.at(n, oy, ox, o)) *
                      w[((static_cast<std::int64_t>(o) * k + ky) * k + kx) * cg + ci];
                }
    ASSERT_EQ(dx.shape(), x.shape());
    double worst = 0.0;
    for (std::int64_t i = 0; i < dx.numel(); ++i)
      worst = std::max(worst, std::abs(dx[i] - expected[static_cast<std::size_t>(i)]));
    EXPECT_LT(worst, 1e-5) << conv.geometry(c.input).to_string();
  }
}

TEST(FloatConv2d, BackwardAccumulatesIntoGrad) {
  Rng rng(1);
  Conv2d conv(3, 4, 3, rng, {.padding = 1, .bias = true});
  EXPECT_TRUE(testing::backward_accumulates(conv, random_tensor({2, 4, 4, 3}, 2)));
}

TEST(FloatConv2d, InitIsFanInUniformAndSeeded) {
  Rng rng_a(42), rng_b(42);
  Conv2d a(8, 16, 3, rng_a, {.groups = 2, .bias = true});
  Conv2d b(8, 16, 3, rng_b, {.groups = 2, .bias = true});
  EXPECT_EQ(a.weight().value.shape(), (Shape{16, 3, 3, 4}));
  EXPECT_EQ(a.weight().role, ParamRole::weight);
  EXPECT_EQ(a.bias()->role, ParamRole::bias);
  const float bound = 1.0f / std::sqrt(36.0f);  // fan_in = 3*3*8/2
  float lo = 1, hi = -1;
  for (float v : a.weight().value.values()) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  EXPECT_GE(lo, -bound);
  EXPECT_LE(hi, bound);
  EXPECT_LT(lo, -0.8f * bound);  // 144 draws fill most of the range
  EXPECT_GT(hi, 0.8f * bound);
  for (float v : a.bias()->value.values()) EXPECT_LE(std::abs(v), bound);
  EXPECT_TRUE(testing::bitwise_equal(a.weight().value, b.weight().value));
  auto params = a.parameters();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].name, "weight");
  EXPECT_EQ(params[1].name, "bias");
  Conv2d no_bias(8, 16, 3, rng_a);
  EXPECT_EQ(no_bias.parameters().size(), 1u);
  EXPECT_EQ(no_bias.bias(), nullptr);
}

TEST(FloatConv2d, RejectsBadShapesAndSettings) {
  Rng rng(0);
  Conv2d conv(4, 8, 3, rng, {.padding = 1});
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        conv.forward(Tensor({1, 5, 5, 3}), Mode::eval);
      },
      {"Conv2d", "4 channels", "[1, 5, 5, 3]"}));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        conv.forward(Tensor({5, 5, 4}), Mode::eval);
      },
      {"Conv2d", "rank-4", "[5, 5, 4]"}));
  Conv2d big(4, 8, 5, rng);
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        big.forward(Tensor({1, 3, 3, 4}), Mode::eval);
      },
      {"Conv2d", "empty"}));
  EXPECT_TRUE(
      throws_invalid_argument([&] { Conv2d(6, 8, 3, rng, {.groups = 4}); }, {"Conv2d", "groups"}));
  conv.forward(Tensor({1, 5, 5, 4}), Mode::eval);
  EXPECT_THROW(conv.backward(Tensor({1, 5, 5, 8})), std::logic_error);
  conv.forward(Tensor({1, 5, 5, 4}), Mode::train);
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        conv.backward(Tensor({1, 4, 4, 8}));
      },
      {"Conv2d", "[1, 4, 4, 8]", "[1, 5, 5, 8]"}));
}

TEST(FloatLinear, HandComputedValues) {
  Rng rng(0);
  Linear fc(3, 2, rng);
  fc.weight().value = Tensor({2, 3}, {1, 2, 3, -1, 0, 1});
  fc.bias()->value = Tensor({2}, {0.5f, -0.5f});
  const Tensor y = fc.forward(Tensor({2, 3}, {1, 1, 1, 2, 0, -1}), Mode::eval);
  EXPECT_TRUE(all_near(y, Tensor({2, 2}, {6.5f, -0.5f, -0.5f, -3.5f}), 1e-6));
  // [N, 1, 1, C] is accepted and gives the same result.
  const Tensor y4 = fc.forward(Tensor({2, 1, 1, 3}, {1, 1, 1, 2, 0, -1}), Mode::eval);
  EXPECT_TRUE(all_near(y4, y, 0.0));
}

TEST(FloatLinear, Gradients) {
  Rng rng(3);
  Linear fc(5, 4, rng);
  EXPECT_TRUE(check_module_gradients(fc, random_tensor({3, 5}, 1)));
  Linear no_bias(6, 3, rng, false);
  EXPECT_EQ(no_bias.parameters().size(), 1u);
  EXPECT_TRUE(check_module_gradients(no_bias, random_tensor({4, 1, 1, 6}, 2)));
}

TEST(FloatLinear, BackwardAccumulatesIntoGrad) {
  Rng rng(1);
  Linear fc(5, 3, rng);
  EXPECT_TRUE(testing::backward_accumulates(fc, random_tensor({4, 5}, 2)));
}

TEST(FloatLinear, RejectsBadShapes) {
  Rng rng(0);
  Linear fc(4, 2, rng);
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        fc.forward(Tensor({2, 5}), Mode::eval);
      },
      {"Linear", "[2, 5]"}));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        fc.forward(Tensor({2, 2, 2, 4}), Mode::eval);
      },
      {"Linear", "[2, 2, 2, 4]"}));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        fc.forward(Tensor({2, 3, 4}), Mode::eval);
      },
      {"Linear", "[2, 3, 4]"}));
}

}  // namespace
}  // namespace bitnas

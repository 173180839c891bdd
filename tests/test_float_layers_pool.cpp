// AvgPool2d, MaxPool2d, GlobalAvgPool and their shared window arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ops/layers/avg_pool2d.hpp"
#include "ops/layers/global_avg_pool.hpp"
#include "ops/layers/max_pool2d.hpp"
#include "ops/layers/pool_geometry.hpp"
#include "tests/support/gradient_check.hpp"
#include "tests/test_float_layers_util.hpp"

namespace bitnas {
namespace {

using testing::all_near;
using testing::check_module_gradients;
using testing::distinct_values;
using testing::random_tensor;
using testing::throws_invalid_argument;

// Sizes PyTorch's pooling_output_shape gives (checked by hand against its formula, including
// the ceil-mode rule that drops a last window starting in the right padding).
TEST(PoolGeometry, OutputSizesMatchPyTorch) {
  struct Case {
    int in, kernel, stride, padding;
    int floor_out, ceil_out;
  };
  const Case cases[] = {
      {5, 2, 2, 0, 2, 3},                          // partial last window kept in ceil mode
      {4, 2, 2, 0, 2, 2},                          // exact fit
      {6, 3, 2, 1, 3, 4},     {5, 2, 2, 1, 3, 3},  // ceil would start a window in the right
                                                   // padding: dropped
      {2, 1, 2, 0, 1, 1},  // ceil would start a window past the input: dropped
      {10, 3, 3, 0, 3, 4},    {7, 3, 2, 1, 4, 4}, {32, 3, 2, 1, 16, 17},
      {112, 3, 2, 1, 56, 57},  // ResNet stem max pool
      {3, 3, 1, 1, 3, 3},      // avg_pool_3x3 search op keeps the size
      {1, 1, 1, 0, 1, 1},     {8, 2, 1, 0, 7, 7}, {9, 4, 3, 2, 4, 4},
      {10, 4, 3, 2, 4, 4},  // ceil's extra window would start in the right padding
  };
  for (const Case& c : cases) {
    PoolWindow w{.kernel = c.kernel, .stride = c.stride, .padding = c.padding};
    EXPECT_EQ(pool_output_size(c.in, w), c.floor_out) << c.in << " " << w.to_string();
    w.ceil_mode = true;
    EXPECT_EQ(pool_output_size(c.in, w), c.ceil_out) << c.in << " " << w.to_string();
  }
  // stride 0 means stride = kernel.
  EXPECT_EQ(pool_output_size(7, {.kernel = 2}), 3);
  EXPECT_EQ(pool_output_size(7, {.kernel = 2, .ceil_mode = true}), 4);
}

TEST(PoolGeometry, RejectsBadWindowsAndInputs) {
  EXPECT_TRUE(throws_invalid_argument([] { AvgPool2d({.kernel = 3, .padding = 2}); },
                                      {"AvgPool2d", "padding"}));
  EXPECT_TRUE(throws_invalid_argument([] { MaxPool2d({.kernel = 0}); }, {"MaxPool2d"}));
  MaxPool2d pool({.kernel = 3, .stride = 2});
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        pool.forward(Tensor({1, 2, 5, 1}), Mode::eval);
      },
      {"MaxPool2d", "[1, 2, 5, 1]"}));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        pool.forward(Tensor({4, 4, 1}), Mode::eval);
      },
      {"MaxPool2d", "rank-4", "[4, 4, 1]"}));
}

// x[0, y, x, 0] = 1 + 3y + x on a 3x3 image.
Tensor nine() { return Tensor({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}); }

TEST(FloatAvgPool2d, CountIncludePadBothWays) {
  const PoolWindow w{.kernel = 2, .stride = 2, .padding = 1};
  AvgPool2d with_pad(w), without_pad(w, false);
  // Windows: {1}, {2, 3}, {4, 7}, {5, 6, 8, 9}.
  EXPECT_TRUE(all_near(with_pad.forward(nine(), Mode::eval),
                       Tensor({1, 2, 2, 1}, {0.25f, 1.25f, 2.75f, 7.0f}), 1e-6));
  EXPECT_TRUE(all_near(without_pad.forward(nine(), Mode::eval),
                       Tensor({1, 2, 2, 1}, {1.0f, 2.5f, 5.5f, 7.0f}), 1e-6));
}

TEST(FloatAvgPool2d, CeilModeWindowPastThePaddingCountsOnlyCoveredTaps) {
  // 3x3, kernel 2, stride 2, ceil: the last windows hang over the edge with no padding there,
  // and PyTorch divides them by the taps they cover even with count_include_pad.
  AvgPool2d pool({.kernel = 2, .stride = 2, .ceil_mode = true});
  EXPECT_TRUE(all_near(pool.forward(nine(), Mode::eval),
                       Tensor({1, 2, 2, 1}, {3.0f, 4.5f, 7.5f, 9.0f}), 1e-6));
}

TEST(FloatAvgPool2d, StrideOneKeepsSizeAndChannelsStaySeparate) {
  AvgPool2d pool({.kernel = 3, .stride = 1, .padding = 1}, false);
  Tensor x({1, 3, 3, 2});
  for (int i = 0; i < 9; ++i) {
    x[2 * i] = static_cast<float>(i + 1);
    x[2 * i + 1] = -1.0f;
  }
  const Tensor y = pool.forward(x, Mode::eval);
  ASSERT_EQ(y.shape(), (Shape{1, 3, 3, 2}));
  EXPECT_NEAR(y.at(0, 0, 0, 0), (1 + 2 + 4 + 5) / 4.0, 1e-6);
  EXPECT_NEAR(y.at(0, 1, 1, 0), 5.0, 1e-6);
  EXPECT_NEAR(y.at(0, 2, 1, 0), (4 + 5 + 6 + 7 + 8 + 9) / 6.0, 1e-6);
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(y[2 * i + 1], -1.0, 1e-6);
}

TEST(FloatAvgPool2d, Gradients) {
  const PoolWindow windows[] = {
      {.kernel = 3, .stride = 2, .padding = 1, .ceil_mode = true},
      {.kernel = 2, .stride = 2, .ceil_mode = true},
      {.kernel = 3, .stride = 1, .padding = 1},
      {.kernel = 2, .stride = 2, .padding = 1},
  };
  for (const PoolWindow& w : windows)
    for (bool include_pad : {true, false}) {
      AvgPool2d pool(w, include_pad);
      EXPECT_TRUE(check_module_gradients(pool, random_tensor({2, 7, 5, 3}, 4)))
          << w.to_string() << " count_include_pad " << include_pad;
    }
}

TEST(FloatMaxPool2d, PaddingNeverWinsAndTiesGoFirst) {
  MaxPool2d pool({.kernel = 3, .stride = 2, .padding = 1});
  Tensor x({1, 3, 3, 1}, -5.0f);
  x.at(0, 2, 2, 0) = -1.0f;
  const Tensor y = pool.forward(x, Mode::train);
  // All negative: zero padding would win if padding took part.
  EXPECT_TRUE(all_near(y, Tensor({1, 2, 2, 1}, {-5, -5, -5, -1}), 0.0));
  // Ties: the whole gradient goes to one tap, the first of the window.
  const Tensor dx = pool.backward(Tensor({1, 2, 2, 1}, {1, 10, 100, 1000}));
  EXPECT_EQ(dx.at(0, 0, 0, 0), 1.0f);
  EXPECT_EQ(dx.at(0, 0, 1, 0), 10.0f);
  EXPECT_EQ(dx.at(0, 1, 0, 0), 100.0f);
  EXPECT_EQ(dx.at(0, 2, 2, 0), 1000.0f);
  double total = 0;
  for (float v : dx.values()) total += v;
  EXPECT_EQ(total, 1111.0);
}

TEST(FloatMaxPool2d, HandComputedCeilMode) {
  MaxPool2d pool({.kernel = 2, .stride = 2, .ceil_mode = true});
  EXPECT_TRUE(all_near(pool.forward(nine(), Mode::eval), Tensor({1, 2, 2, 1}, {5, 6, 8, 9}), 0.0));
}

TEST(FloatMaxPool2d, NaNPropagates) {
  MaxPool2d pool({.kernel = 2});
  Tensor x({1, 2, 2, 1}, {1, std::numeric_limits<float>::quiet_NaN(), 3, 2});
  EXPECT_TRUE(std::isnan(pool.forward(x, Mode::eval)[0]));
}

TEST(FloatMaxPool2d, Gradients) {
  const PoolWindow windows[] = {
      {.kernel = 3, .stride = 2, .padding = 1},
      {.kernel = 3, .stride = 2, .padding = 1, .ceil_mode = true},
      {.kernel = 2, .stride = 2, .ceil_mode = true},
      {.kernel = 3, .stride = 1, .padding = 1},
  };
  for (const PoolWindow& w : windows) {
    MaxPool2d pool(w);
    // Distinct values 0.01 apart: the finite-difference step never changes a window's winner.
    EXPECT_TRUE(check_module_gradients(pool, distinct_values({2, 7, 5, 3}, 6))) << w.to_string();
  }
}

TEST(FloatGlobalAvgPool, ValuesAndGradients) {
  GlobalAvgPool pool;
  Tensor x({2, 2, 2, 2});
  for (int i = 0; i < 16; ++i) x[i] = static_cast<float>(i);
  // Image 0, channel 0: 0 2 4 6; channel 1: 1 3 5 7; image 1 adds 8.
  EXPECT_TRUE(all_near(pool.forward(x, Mode::eval), Tensor({2, 2}, {3, 4, 11, 12}), 1e-6));
  EXPECT_TRUE(check_module_gradients(pool, random_tensor({3, 3, 5, 4}, 1)));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        pool.forward(Tensor({2, 4}), Mode::eval);
      },
      {"GlobalAvgPool", "[2, 4]"}));
}

}  // namespace
}  // namespace bitnas

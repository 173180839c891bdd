// ReLU, Identity, Zero, PixelShift and the merge ops Add, Concat, Mean.
#include <gtest/gtest.h>

#include "ops/layers/add.hpp"
#include "ops/layers/concat.hpp"
#include "ops/layers/identity.hpp"
#include "ops/layers/mean.hpp"
#include "ops/layers/pixel_shift.hpp"
#include "ops/layers/relu.hpp"
#include "ops/layers/zero.hpp"
#include "tests/support/gradient_check.hpp"
#include "tests/test_float_layers_util.hpp"

namespace bitnas {
namespace {

using testing::all_near;
using testing::check_merge_gradients;
using testing::check_module_gradients;
using testing::random_away_from_zero;
using testing::random_tensor;
using testing::throws_invalid_argument;

TEST(FloatReLU, ValuesAndGradients) {
  ReLU relu;
  EXPECT_TRUE(all_near(relu.forward(Tensor({4}, {-2, 0, 0.5f, 3}), Mode::train),
                       Tensor({4}, {0, 0, 0.5f, 3}), 0.0));
  EXPECT_TRUE(all_near(relu.backward(Tensor({4}, {1, 1, 1, 1})), Tensor({4}, {0, 0, 1, 1}), 0.0));
  EXPECT_TRUE(check_module_gradients(relu, random_away_from_zero({2, 4, 3, 5}, 3)));
  relu.forward(Tensor({4}), Mode::eval);
  EXPECT_THROW(relu.backward(Tensor({4})), std::logic_error);
}

TEST(FloatIdentity, PassesThrough) {
  Identity id;
  const Tensor x = random_tensor({2, 3, 3, 2}, 1);
  EXPECT_TRUE(all_near(id.forward(x, Mode::train), x, 0.0));
  EXPECT_TRUE(check_module_gradients(id, x));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        id.backward(Tensor({2, 3}));
      },
      {"Identity", "[2, 3]", "[2, 3, 3, 2]"}));
}

TEST(FloatZero, ShapesWithAndWithoutStride) {
  Zero same;
  const Tensor x = random_tensor({2, 5, 4, 3}, 1, 1.0f, 2.0f);
  Tensor y = same.forward(x, Mode::train);
  EXPECT_EQ(y.shape(), x.shape());
  for (float v : y.values()) EXPECT_EQ(v, 0.0f);
  Zero strided(2);
  y = strided.forward(x, Mode::train);
  EXPECT_EQ(y.shape(), (Shape{2, 3, 2, 3}));  // ceil(5/2), ceil(4/2)
  for (float v : y.values()) EXPECT_EQ(v, 0.0f);
  const Tensor dx = strided.backward(Tensor({2, 3, 2, 3}, 1.0f));
  EXPECT_EQ(dx.shape(), x.shape());
  for (float v : dx.values()) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(Zero(3).forward(Tensor({1, 7, 6, 1}), Mode::eval).shape(), (Shape{1, 3, 2, 1}));
  EXPECT_TRUE(check_module_gradients(strided, x));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        strided.forward(Tensor({5, 4}), Mode::eval);
      },
      {"Zero", "[5, 4]"}));
  EXPECT_TRUE(throws_invalid_argument([] { Zero(0); }, {"Zero", "stride"}));
}

TEST(FloatPixelShift, ShiftsByOnePixelWithZeroBorder) {
  PixelShift shift;
  Tensor x({1, 3, 3, 2});
  for (int i = 0; i < 18; ++i) x[i] = static_cast<float>(i + 1);
  const Tensor y = shift.forward(x, Mode::train);
  ASSERT_EQ(y.shape(), x.shape());
  for (int yy = 0; yy < 3; ++yy)
    for (int xx = 0; xx < 3; ++xx)
      for (int c = 0; c < 2; ++c) {
        const float expected = (yy < 2 && xx < 2) ? x.at(0, yy + 1, xx + 1, c) : 0.0f;
        EXPECT_EQ(y.at(0, yy, xx, c), expected) << yy << " " << xx << " " << c;
      }
  EXPECT_TRUE(check_module_gradients(shift, random_tensor({2, 4, 5, 3}, 2)));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        shift.forward(Tensor({3, 3, 2}), Mode::eval);
      },
      {"PixelShift", "[3, 3, 2]"}));
}

TEST(FloatMerge, AddAndMeanValues) {
  const std::vector<Tensor> xs = {Tensor({2}, {1, 2}), Tensor({2}, {3, 5}), Tensor({2}, {-1, 2})};
  Add add;
  Mean mean;
  EXPECT_TRUE(all_near(add.forward(xs, Mode::eval), Tensor({2}, {3, 9}), 0.0));
  EXPECT_TRUE(all_near(mean.forward(xs, Mode::eval), Tensor({2}, {1, 3}), 0.0));
  mean.forward(xs, Mode::train);
  const auto grads = mean.backward(Tensor({2}, {3, 6}));
  ASSERT_EQ(grads.size(), 3u);
  for (const Tensor& g : grads) EXPECT_TRUE(all_near(g, Tensor({2}, {1, 2}), 0.0));
}

TEST(FloatMerge, ConcatValues) {
  Concat cat;
  const Tensor a({2, 1, 1, 1}, {1, 2}), b({2, 1, 1, 2}, {3, 4, 5, 6});
  const Tensor y = cat.forward({a, b}, Mode::train);
  EXPECT_TRUE(all_near(y, Tensor({2, 1, 1, 3}, {1, 3, 4, 2, 5, 6}), 0.0));
  const auto grads = cat.backward(Tensor({2, 1, 1, 3}, {10, 30, 40, 20, 50, 60}));
  ASSERT_EQ(grads.size(), 2u);
  EXPECT_TRUE(all_near(grads[0], Tensor({2, 1, 1, 1}, {10, 20}), 0.0));
  EXPECT_TRUE(all_near(grads[1], Tensor({2, 1, 1, 2}, {30, 40, 50, 60}), 0.0));
}

TEST(FloatMerge, Gradients) {
  const std::vector<Tensor> same = {random_tensor({2, 3, 3, 4}, 1), random_tensor({2, 3, 3, 4}, 2),
                                    random_tensor({2, 3, 3, 4}, 3)};
  Add add;
  Mean mean;
  Concat cat;
  EXPECT_TRUE(check_merge_gradients(add, same));
  EXPECT_TRUE(check_merge_gradients(mean, same));
  EXPECT_TRUE(
      check_merge_gradients(cat, {random_tensor({2, 3, 3, 2}, 4), random_tensor({2, 3, 3, 5}, 5),
                                  random_tensor({2, 3, 3, 1}, 6)}));
  EXPECT_TRUE(check_merge_gradients(cat, {random_tensor({4, 3}, 7), random_tensor({4, 2}, 8)}));
}

TEST(FloatMerge, RejectsMismatchedInputs) {
  Add add;
  Mean mean;
  Concat cat;
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        add.forward({Tensor({2, 3}), Tensor({2, 4})}, Mode::eval);
      },
      {"Add", "[2, 4]", "[2, 3]"}));
  EXPECT_TRUE(throws_invalid_argument([&] { mean.forward({}, Mode::eval); }, {"Mean"}));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        cat.forward({Tensor({1, 2, 2, 3}), Tensor({1, 3, 2, 3})}, Mode::eval);
      },
      {"Concat", "[1, 3, 2, 3]", "[1, 2, 2, 3]"}));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        cat.forward({Tensor({1, 2, 2, 3}), Tensor({4, 3})}, Mode::eval);
      },
      {"Concat", "[4, 3]"}));
  cat.forward({Tensor({1, 2})}, Mode::eval);
  EXPECT_THROW(cat.backward(Tensor({1, 2})), std::logic_error);
}

}  // namespace
}  // namespace bitnas

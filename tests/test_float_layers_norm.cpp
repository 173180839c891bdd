// BatchNorm: PyTorch's train/eval semantics, running statistics, gradients, determinism.
#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cmath>

#include "ops/layers/batch_norm.hpp"
#include "tests/support/gradient_check.hpp"
#include "tests/test_float_layers_util.hpp"

namespace bitnas {
namespace {

using testing::all_near;
using testing::check_module_gradients;
using testing::random_tensor;
using testing::throws_invalid_argument;

TEST(FloatBatchNorm, TrainStepNormalisesAndUpdatesRunningStats) {
  BatchNorm bn(2);
  // Channel 0: 1 2 3 4 (mean 2.5, biased var 1.25, unbiased 5/3); channel 1: 0 0 2 2 (mean 1,
  // biased var 1, unbiased 4/3).
  const Tensor x({4, 2}, {1, 0, 2, 0, 3, 2, 4, 2});
  bn.gamma()->value = Tensor({2}, {2.0f, 1.0f});
  bn.beta()->value = Tensor({2}, {0.0f, 0.5f});
  const Tensor y = bn.forward(x, Mode::train);
  const double s0 = 1.0 / std::sqrt(1.25 + 1e-5), s1 = 1.0 / std::sqrt(1.0 + 1e-5);
  const Tensor expected(
      {4, 2}, {float(2 * -1.5 * s0), float(0.5 - s1), float(2 * -0.5 * s0), float(0.5 - s1),
               float(2 * 0.5 * s0), float(0.5 + s1), float(2 * 1.5 * s0), float(0.5 + s1)});
  EXPECT_TRUE(all_near(y, expected, 1e-6));
  EXPECT_TRUE(all_near(bn.running_mean(), Tensor({2}, {0.25f, 0.1f}), 1e-7));
  EXPECT_TRUE(
      all_near(bn.running_var(), Tensor({2}, {0.9f + 0.1f * 5 / 3, 0.9f + 0.1f * 4 / 3}), 1e-6));
  // A second step moves them again by the momentum.
  bn.forward(x, Mode::train);
  EXPECT_NEAR(bn.running_mean()[0], 0.9 * 0.25 + 0.1 * 2.5, 1e-6);
}

TEST(FloatBatchNorm, MomentumOptionIsUsed) {
  BatchNorm bn(1, {.momentum = 0.5f});
  bn.forward(Tensor({2, 1}, {2, 4}), Mode::train);
  EXPECT_NEAR(bn.running_mean()[0], 1.5, 1e-7);
  EXPECT_NEAR(bn.running_var()[0], 0.5 + 0.5 * 2.0, 1e-6);  // unbiased var of {2, 4} is 2
}

TEST(FloatBatchNorm, EvalUsesRunningStats) {
  BatchNorm bn(2, {.eps = 2e-5f});
  bn.running_mean() = Tensor({2}, {1.0f, -2.0f});
  bn.running_var() = Tensor({2}, {4.0f, 0.25f});
  bn.gamma()->value = Tensor({2}, {3.0f, 1.0f});
  bn.beta()->value = Tensor({2}, {1.0f, 0.0f});
  const Tensor x({1, 1, 2, 2}, {3, -1, 1, -2});
  const Tensor y = bn.forward(x, Mode::eval);
  const Tensor expected({1, 1, 2, 2}, {float(1 + 3 * 2 / std::sqrt(4 + 2e-5)),
                                       float(1 / std::sqrt(0.25 + 2e-5)), 1.0f, 0.0f});
  EXPECT_TRUE(all_near(y, expected, 1e-5));
  // Eval leaves the running statistics alone.
  EXPECT_EQ(bn.running_mean()[0], 1.0f);
  EXPECT_EQ(bn.running_var()[1], 0.25f);
  EXPECT_THROW(bn.backward(Tensor({1, 1, 2, 2})), std::logic_error);
}

TEST(FloatBatchNorm, NoAffineHasNoParametersButBuffers) {
  BatchNorm bn(3, {.affine = false, .eps = 2e-5f});
  EXPECT_TRUE(bn.parameters().empty());
  EXPECT_EQ(bn.gamma(), nullptr);
  auto buffers = bn.buffers();
  ASSERT_EQ(buffers.size(), 2u);
  EXPECT_EQ(buffers[0].name, "running_mean");
  EXPECT_EQ(buffers[1].name, "running_var");
  const Tensor y = bn.forward(random_tensor({4, 3, 3, 3}, 1, 2.0f, 5.0f), Mode::train);
  // Each channel comes out with mean 0 and biased variance 1 (up to eps).
  for (int c = 0; c < 3; ++c) {
    double sum = 0, sq = 0;
    for (std::int64_t r = 0; r < 36; ++r) sum += y[r * 3 + c];
    for (std::int64_t r = 0; r < 36; ++r) sq += std::pow(y[r * 3 + c] - sum / 36, 2);
    EXPECT_NEAR(sum / 36, 0.0, 1e-6);
    EXPECT_NEAR(sq / 36, 1.0, 1e-4);
  }
}

TEST(FloatBatchNorm, AffineParametersHaveNormRole) {
  BatchNorm bn(4);
  auto params = bn.parameters();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].name, "weight");
  EXPECT_EQ(params[1].name, "bias");
  for (auto& p : params) EXPECT_EQ(p.param->role, ParamRole::norm);
  EXPECT_EQ(bn.gamma()->value[3], 1.0f);
  EXPECT_EQ(bn.beta()->value[3], 0.0f);
  EXPECT_EQ(bn.running_var()[0], 1.0f);
}

TEST(FloatBatchNorm, Rank4IsRank2OverPixels) {
  BatchNorm a(5), b(5);
  const Tensor x = random_tensor({3, 4, 2, 5}, 8);
  const Tensor ya = a.forward(x, Mode::train);
  const Tensor yb = b.forward(x.reshaped({24, 5}), Mode::train);
  EXPECT_TRUE(all_near(ya.reshaped({24, 5}), yb, 0.0));
  EXPECT_TRUE(all_near(a.running_var(), b.running_var(), 0.0));
}

TEST(FloatBatchNorm, GradientsThroughBatchStatistics) {
  BatchNorm affine(5);
  Rng rng(4);
  fill_uniform(affine.gamma()->value, rng, 0.5f, 1.5f);
  fill_uniform(affine.beta()->value, rng, -0.5f, 0.5f);
  EXPECT_TRUE(check_module_gradients(affine, random_tensor({4, 3, 3, 5}, 2)));
  BatchNorm plain(5, {.affine = false});
  EXPECT_TRUE(check_module_gradients(plain, random_tensor({4, 3, 3, 5}, 3)));
  BatchNorm rank2(4, {.eps = 2e-5f});
  EXPECT_TRUE(check_module_gradients(rank2, random_tensor({6, 4}, 4, -2.0f, 3.0f)));
}

TEST(FloatBatchNorm, BackwardAccumulatesIntoGrad) {
  BatchNorm bn(3);
  EXPECT_TRUE(testing::backward_accumulates(bn, random_tensor({4, 2, 2, 3}, 2)));
}

TEST(FloatBatchNorm, ResultsDoNotDependOnThreadCount) {
  // 8*16*16 rows of 32 channels: several reduction chunks.
  const Tensor x = random_tensor({8, 16, 16, 32}, 5);
  const Tensor dy = random_tensor({8, 16, 16, 32}, 6);
  auto run = [&](int threads, Tensor& y, Tensor& dx, Tensor& dgamma, Tensor& rv) {
    tbb::task_arena arena(threads);
    arena.execute([&] {
      BatchNorm bn(32);
      y = bn.forward(x, Mode::train);
      dx = bn.backward(dy);
      dgamma = bn.gamma()->grad;
      rv = bn.running_var();
    });
  };
  Tensor y1, dx1, g1, rv1, y2, dx2, g2, rv2;
  run(1, y1, dx1, g1, rv1);
  run(2, y2, dx2, g2, rv2);
  EXPECT_TRUE(testing::bitwise_equal(y1, y2));
  EXPECT_TRUE(testing::bitwise_equal(dx1, dx2));
  EXPECT_TRUE(testing::bitwise_equal(g1, g2));
  EXPECT_TRUE(testing::bitwise_equal(rv1, rv2));
}

TEST(FloatBatchNorm, RejectsBadInputs) {
  BatchNorm bn(4);
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        bn.forward(Tensor({2, 3, 3, 5}), Mode::train);
      },
      {"BatchNorm", "4 channels", "[2, 3, 3, 5]"}));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        bn.forward(Tensor({2, 3, 4}), Mode::train);
      },
      {"BatchNorm", "[2, 3, 4]"}));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        bn.forward(Tensor({1, 4}), Mode::train);
      },
      {"BatchNorm", "more than one value", "[1, 4]"}));
  EXPECT_NO_THROW(bn.forward(Tensor({1, 4}), Mode::eval));
  EXPECT_TRUE(throws_invalid_argument([] { BatchNorm(0); }, {"BatchNorm", "channels"}));
}

}  // namespace
}  // namespace bitnas

namespace bitnas {
namespace {

TEST(FloatBatchNormRecalibration, CumulativeAverageThenMomentum) {
  BatchNorm bn(1);
  Tensor a({4, 1}, {1.0f, 2.0f, 3.0f, 6.0f});   // mean 3, unbiased var 14/3
  Tensor b({4, 1}, {0.0f, 0.0f, 1.0f, 3.0f});   // mean 1, unbiased var 2
  bn.forward(a, Mode::train);
  bn.reset_running_stats(true);
  EXPECT_EQ(bn.running_mean()[0], 0.0f);
  EXPECT_EQ(bn.running_var()[0], 1.0f);
  bn.forward(a, Mode::train);
  bn.forward(b, Mode::train);
  EXPECT_FLOAT_EQ(bn.running_mean()[0], 2.0f);              // (3 + 1) / 2
  EXPECT_FLOAT_EQ(bn.running_var()[0], (14.0f / 3 + 2) / 2);
  bn.use_momentum();
  bn.forward(a, Mode::train);
  EXPECT_FLOAT_EQ(bn.running_mean()[0], 0.9f * 2.0f + 0.1f * 3.0f);
}

}  // namespace
}  // namespace bitnas

// Softmax cross-entropy: values, numerical stability, accuracy, gradient, label checks.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ops/layers/cross_entropy.hpp"
#include "tests/support/gradient_check.hpp"
#include "tests/test_float_layers_util.hpp"

namespace bitnas {
namespace {

using testing::random_tensor;
using testing::throws_invalid_argument;

TEST(FloatCrossEntropy, HandComputedValues) {
  const std::vector<int> labels = {0, 2};
  // Row 0: uniform over 2 -> log 2... over 3 classes: log 3. Row 1: logits 0, 0, log 2 ->
  // p(label) = 2 / 4.
  const Tensor logits({2, 3}, {0, 0, 0, 0, 0, std::log(2.0f)});
  const CrossEntropyStats s = softmax_cross_entropy(logits, labels);
  EXPECT_NEAR(s.loss, (std::log(3.0) + std::log(2.0)) / 2, 1e-6);
  // Row 0 ties: the first maximum (class 0) is the prediction, and it is right.
  EXPECT_DOUBLE_EQ(s.accuracy, 1.0);
  const Tensor g = softmax_cross_entropy_grad(logits, labels);
  EXPECT_TRUE(testing::all_near(
      g, Tensor({2, 3}, {(1 / 3.f - 1) / 2, 1 / 6.f, 1 / 6.f, 1 / 8.f, 1 / 8.f, (0.5f - 1) / 2}),
      1e-6));
}

TEST(FloatCrossEntropy, LargeLogitsStayFinite) {
  const std::vector<int> labels = {1, 0};
  const Tensor logits({2, 2}, {1000.0f, 0.0f, -1000.0f, -2000.0f});
  const CrossEntropyStats s = softmax_cross_entropy(logits, labels);
  EXPECT_NEAR(s.loss, 500.0, 1e-3);  // (1000 + 0) / 2
  EXPECT_DOUBLE_EQ(s.accuracy, 0.5);
  const Tensor g = softmax_cross_entropy_grad(logits, labels);
  for (float v : g.values()) EXPECT_TRUE(std::isfinite(v));
  EXPECT_NEAR(g[0], 0.5, 1e-6);
  EXPECT_NEAR(g[1], -0.5, 1e-6);
  EXPECT_NEAR(g[2], 0.0, 1e-6);
}

// The loss as a Module with a [1] output, so the shared gradient checker tests the gradient.
class CrossEntropyLoss : public Module {
 public:
  explicit CrossEntropyLoss(std::vector<int> labels) : labels_(std::move(labels)) {}
  std::string type_name() const override { return "CrossEntropyLoss"; }
  Tensor forward(const Tensor& logits, Mode) override {
    logits_ = logits;
    return Tensor({1}, {static_cast<float>(softmax_cross_entropy(logits, labels_).loss)});
  }
  Tensor backward(const Tensor& grad_output) override {
    Tensor g = softmax_cross_entropy_grad(logits_, labels_);
    g.scale_(grad_output[0]);
    return g;
  }

 private:
  std::vector<int> labels_;
  Tensor logits_;
};

TEST(FloatCrossEntropy, GradientMatchesFiniteDifferences) {
  CrossEntropyLoss loss({3, 0, 4, 4, 1});
  EXPECT_TRUE(testing::check_module_gradients(loss, random_tensor({5, 6}, 3, -3.0f, 3.0f)));
}

TEST(FloatCrossEntropy, RejectsBadLabelsAndShapes) {
  const Tensor logits({2, 3});
  const std::vector<int> out_of_range = {0, 3}, negative = {-1, 0}, too_few = {1};
  EXPECT_TRUE(throws_invalid_argument([&] { softmax_cross_entropy(logits, out_of_range); },
                                      {"softmax_cross_entropy", "label 3", "[0, 3)"}));
  EXPECT_TRUE(throws_invalid_argument([&] { softmax_cross_entropy_grad(logits, negative); },
                                      {"softmax_cross_entropy_grad", "label -1"}));
  EXPECT_TRUE(throws_invalid_argument([&] { softmax_cross_entropy(logits, too_few); },
                                      {"1 labels", "[2, 3]"}));
  EXPECT_TRUE(throws_invalid_argument(
      [&] {
        softmax_cross_entropy(Tensor({2, 1, 1, 3}), std::vector<int>{0, 1});
      },
      {"[2, 1, 1, 3]"}));
}

}  // namespace
}  // namespace bitnas

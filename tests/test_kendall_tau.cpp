// Kendall tau-b against values counted by hand: pair by pair, concordant (C), discordant (D),
// tied in x (n1) and tied in y (n2); tau_b = (C - D) / sqrt((n0 - n1)(n0 - n2)).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "ops/core/kendall_tau.hpp"

namespace bitnas {
namespace {

KendallTau tau_of(const std::vector<double>& x, const std::vector<double>& y) {
  return kendall_tau_b(x, y);
}

TEST(KendallTau, SameOrderIsOneAndReversedIsMinusOne) {
  const KendallTau same = tau_of({1, 2, 3, 4}, {10, 20, 30, 40});
  ASSERT_TRUE(same.tau_b.has_value());
  EXPECT_DOUBLE_EQ(*same.tau_b, 1.0);
  EXPECT_EQ(same.concordant, 6);
  EXPECT_EQ(same.discordant, 0);

  const KendallTau reversed = tau_of({1, 2, 3, 4}, {40, 30, 20, 10});
  ASSERT_TRUE(reversed.tau_b.has_value());
  EXPECT_DOUBLE_EQ(*reversed.tau_b, -1.0);
  EXPECT_EQ(reversed.discordant, 6);
}

TEST(KendallTau, WithoutTiesCountsConcordantAndDiscordantPairs) {
  // y = 3 1 2 5 4 against x = 1..5: discordant (1,2) (1,3) (4,5), the other 7 concordant.
  const KendallTau t = tau_of({1, 2, 3, 4, 5}, {3, 1, 2, 5, 4});
  EXPECT_EQ(t.n, 5);
  EXPECT_EQ(t.concordant, 7);
  EXPECT_EQ(t.discordant, 3);
  EXPECT_EQ(t.tied_x, 0);
  EXPECT_EQ(t.tied_y, 0);
  ASSERT_TRUE(t.tau_b.has_value());
  EXPECT_DOUBLE_EQ(*t.tau_b, 0.4);  // (7 - 3) / 10
}

TEST(KendallTau, TiesInEachVariable) {
  // x = 1 2 2 3, y = 1 2 3 3: pair (2,3) tied in x, pair (3,4) tied in y, 4 concordant.
  const KendallTau t = tau_of({1, 2, 2, 3}, {1, 2, 3, 3});
  EXPECT_EQ(t.concordant, 4);
  EXPECT_EQ(t.discordant, 0);
  EXPECT_EQ(t.tied_x, 1);
  EXPECT_EQ(t.tied_y, 1);
  ASSERT_TRUE(t.tau_b.has_value());
  EXPECT_DOUBLE_EQ(*t.tau_b, 0.8);  // 4 / sqrt(5 * 5)
}

TEST(KendallTau, PairTiedInBothCountsInBothTieTerms) {
  // x = 1 1 2 3 3, y = 2 2 1 3 1: (1,2) tied in both; (4,5) tied in x; (3,5) tied in y;
  // concordant (1,4) (2,4) (3,4); discordant (1,3) (1,5) (2,3) (2,5).
  const KendallTau t = tau_of({1, 1, 2, 3, 3}, {2, 2, 1, 3, 1});
  EXPECT_EQ(t.concordant, 3);
  EXPECT_EQ(t.discordant, 4);
  EXPECT_EQ(t.tied_x, 2);
  EXPECT_EQ(t.tied_y, 2);
  ASSERT_TRUE(t.tau_b.has_value());
  EXPECT_DOUBLE_EQ(*t.tau_b, -0.125);  // (3 - 4) / sqrt(8 * 8)
}

TEST(KendallTau, UnequalTieCountsUseBothInTheDenominator) {
  // y = 1 1 1 2: 3 pairs tied in y, none in x, 3 concordant: 3 / sqrt(6 * 3) = 1 / sqrt(2).
  // (tau-a would give 3 / 6 = 0.5.)
  const KendallTau t = tau_of({1, 2, 3, 4}, {1, 1, 1, 2});
  EXPECT_EQ(t.tied_x, 0);
  EXPECT_EQ(t.tied_y, 3);
  ASSERT_TRUE(t.tau_b.has_value());
  EXPECT_DOUBLE_EQ(*t.tau_b, 1.0 / std::sqrt(2.0));
}

TEST(KendallTau, UndefinedForFewerThanTwoPairsOrAConstantVariable) {
  EXPECT_FALSE(tau_of({}, {}).tau_b.has_value());
  const KendallTau one = tau_of({0.5}, {0.9});
  EXPECT_EQ(one.n, 1);
  EXPECT_FALSE(one.tau_b.has_value());
  const KendallTau constant_x = tau_of({0.5, 0.5, 0.5}, {1, 2, 3});
  EXPECT_EQ(constant_x.tied_x, 3);
  EXPECT_FALSE(constant_x.tau_b.has_value());
  EXPECT_FALSE(tau_of({1, 2, 3}, {7, 7, 7}).tau_b.has_value());
}

TEST(KendallTau, RefusesMismatchedLengthsAndNaN) {
  EXPECT_THROW(tau_of({1, 2}, {1}), std::invalid_argument);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(tau_of({1, nan}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(tau_of({1, 2}, {nan, 2}), std::invalid_argument);
}

}  // namespace
}  // namespace bitnas

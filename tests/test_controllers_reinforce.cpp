#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <set>

#include "controllers/reinforce_controller.hpp"
#include "test_controllers_util.hpp"

namespace bitnas {
namespace {

using testing::controller_test_space;
using testing::mean;
using testing::rewards_of;

const char* kOps = "[bconv_3x3, bconv_5x5, skip_connect, avg_pool_3x3, none]";

// f = log p(decisions) + entropy_weight * entropy, as the policy computes it.
double objective(const LstmPolicy& policy, const std::vector<int>& decisions,
                 double entropy_weight) {
  const LstmPolicy::Rollout r = policy.evaluate(decisions);
  return r.log_prob + entropy_weight * r.entropy;
}

void check_policy_gradient(double tanh_constant) {
  const SearchSpaceConfig space = controller_test_space(3, kOps);
  Rng rng(4);
  LstmPolicy policy(space, {8, tanh_constant, 1.5, 0.6f}, rng);
  const std::vector<int> decisions = policy.sample(rng).decisions;
  const double entropy_weight = 0.3;
  for (const NamedParameter& p : policy.parameters()) p.param->grad.fill(0.0f);
  policy.accumulate_gradients(decisions, 1.0, entropy_weight);

  Rng pick(9);
  for (const NamedParameter& p : policy.parameters()) {
    Tensor& value = p.param->value;
    for (int check = 0; check < 6; ++check) {
      const auto i = static_cast<std::int64_t>(pick.below(static_cast<std::uint64_t>(value.numel())));
      const float original = value[i];
      const float plus = original + 1e-3f, minus = original - 1e-3f;
      value[i] = plus;
      const double f_plus = objective(policy, decisions, entropy_weight);
      value[i] = minus;
      const double f_minus = objective(policy, decisions, entropy_weight);
      value[i] = original;
      const double numeric = (f_plus - f_minus) / (static_cast<double>(plus) - minus);
      const double analytic = p.param->grad[i];
      EXPECT_NEAR(analytic, numeric, 1e-5 + 1e-3 * std::abs(numeric))
          << p.name << "[" << i << "] tanh_constant " << tanh_constant;
    }
  }
}

TEST(ReinforcePolicyGradient, MatchesFiniteDifferencesWithTanhClipping) { check_policy_gradient(1.1); }

TEST(ReinforcePolicyGradient, MatchesFiniteDifferencesWithoutClipping) { check_policy_gradient(0.0); }

TEST(ReinforcePolicy, NeverRepeatsAnInputOfANode) {
  const SearchSpaceConfig space = controller_test_space(4, kOps);
  Rng rng(1);
  LstmPolicy policy(space, {16, 1.1, 1.0, 2.0f}, rng);  // large weights: peaked choices
  for (int i = 0; i < 200; ++i) {
    const std::vector<int> d = policy.sample(rng).decisions;
    for (std::size_t slot = 0; slot < d.size() / 2; slot += 2)
      EXPECT_NE(d[2 * slot], d[2 * slot + 2]) << "slot " << slot;
  }
  std::vector<int> repeated = policy.argmax().decisions;
  repeated[2] = repeated[0];
  EXPECT_THROW(policy.evaluate(repeated), std::invalid_argument);
}

TEST(ReinforceController, BaselineStartsAtTheFirstMeanThenFollowsTheEma) {
  const SearchSpaceConfig space = controller_test_space(2, kOps);
  ReinforceSettings settings;
  settings.ema_decay = 0.9;
  ReinforceController controller(space, settings, 1);
  EXPECT_FALSE(controller.baseline().has_value());
  controller.step(controller.sample(2), {0.2, 0.6});
  EXPECT_DOUBLE_EQ(*controller.baseline(), 0.4);
  controller.step(controller.sample(2), {1.0, 1.0});
  EXPECT_DOUBLE_EQ(*controller.baseline(), 0.9 * 0.4 + 0.1 * 1.0);
}

TEST(ReinforceController, ImprovesOnASyntheticReward) {
  const SearchSpaceConfig space = controller_test_space(4, kOps);
  ReinforceSettings settings;
  settings.hidden_size = 32;
  settings.lr = 0.02;  // the ENAS rate needs thousands of steps; the test has a few hundred
  settings.ema_decay = 0.9;
  ReinforceController controller(space, settings, 7);
  const int steps = 80, batch = 8, window = 10;
  std::vector<double> early, late;
  for (int s = 0; s < steps; ++s) {
    const std::vector<Genotype> g = controller.sample(batch);
    const std::vector<double> r = rewards_of(g, "bconv_5x5");
    if (s < window) early.insert(early.end(), r.begin(), r.end());
    if (s >= steps - window) late.insert(late.end(), r.begin(), r.end());
    controller.step(g, r);
  }
  std::cout << "[ reinforce ] mean reward of the first " << early.size() << " samples "
            << mean(early) << ", of the last " << late.size() << " " << mean(late) << "\n";
  EXPECT_GT(mean(late), mean(early) + 0.3);
  // The argmax decode leads best() and is itself good by now.
  const std::vector<Genotype> best = controller.best(3);
  ASSERT_EQ(best.size(), 3u);
  EXPECT_EQ(best[0], controller.policy().space().decode(controller.policy().argmax().decisions));
  EXPECT_GT(testing::target_pattern_reward(best[0], "bconv_5x5"), mean(early) + 0.3);
}

}  // namespace
}  // namespace bitnas

#include <gtest/gtest.h>

#include "controllers/controller_config.hpp"
#include "test_controllers_util.hpp"

namespace bitnas {
namespace {

using testing::controller_test_space;
using testing::rewards_of;

const char* kOps = "[bconv_3x3, bconv_5x5, skip_connect, avg_pool_3x3, none]";

struct StateCase {
  const char* name;
  ControllerConfig config;
};

// gtest prints the case by name, not as bytes.
void PrintTo(const StateCase& c, std::ostream* os) { *os << c.name; }

ControllerConfig config_of(ControllerKind kind) {
  ControllerConfig c;
  c.kind = kind;
  c.evolution = {6, 3};  // small, so the rounds below reach the mutation phase
  c.reinforce.hidden_size = 16;
  c.reinforce.lr = 0.01;
  c.differentiable.lr = 0.01;
  return c;
}

ControllerConfig gdas_config() {
  ControllerConfig c = config_of(ControllerKind::differentiable);
  c.differentiable.mode = DifferentiableMode::gdas;
  return c;
}

// One search round: sample, reward, step, and for differentiable controllers a weight step.
std::vector<Genotype> round(Controller& c, int round_index) {
  if (auto* d = dynamic_cast<DifferentiableController*>(&c)) {
    d->set_progress(0.1 * round_index);
    const EdgeWeights w = d->edge_weights();
    EdgeWeights grad = w;
    for (std::size_t e = 0; e < grad.size(); ++e)
      for (std::size_t i = 0; i < grad[e].size(); ++i) grad[e][i] = i == 1 ? -1.0f : 0.1f * e;
    d->apply_weight_gradients(grad);
  }
  const std::vector<Genotype> g = c.sample(4);
  c.step(g, rewards_of(g, "bconv_5x5"));
  return g;
}

void expect_same_state(const ControllerState& a, const ControllerState& b) {
  EXPECT_EQ(a.strings, b.strings);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (const auto& [key, tensor] : a.tensors) {
    ASSERT_TRUE(b.tensors.count(key)) << key;
    const Tensor& other = b.tensors.at(key);
    ASSERT_EQ(tensor.shape(), other.shape()) << key;
    for (std::int64_t i = 0; i < tensor.numel(); ++i) ASSERT_EQ(tensor[i], other[i]) << key;
  }
}

class ControllerStateRoundTrip : public ::testing::TestWithParam<StateCase> {};

TEST_P(ControllerStateRoundTrip, RestoredControllerContinuesIdentically) {
  const SearchSpaceConfig space = controller_test_space(3, kOps);
  const ControllerConfig& config = GetParam().config;
  std::unique_ptr<Controller> original = make_controller(config, space, 21);
  for (int r = 0; r < 3; ++r) round(*original, r);
  const ControllerState state = original->save();

  std::unique_ptr<Controller> restored = make_controller(config, space, 99);  // other seed
  restored->load(state);
  expect_same_state(restored->save(), state);
  for (int r = 3; r < 7; ++r) EXPECT_EQ(round(*original, r), round(*restored, r)) << "round " << r;
  EXPECT_EQ(original->best(3), restored->best(3));
  expect_same_state(original->save(), restored->save());
}

INSTANTIATE_TEST_SUITE_P(
    EveryController, ControllerStateRoundTrip,
    ::testing::Values(StateCase{"random", config_of(ControllerKind::random)},
                      StateCase{"evolution", config_of(ControllerKind::evolution)},
                      StateCase{"reinforce", config_of(ControllerKind::reinforce)},
                      StateCase{"darts", config_of(ControllerKind::differentiable)},
                      StateCase{"gdas", gdas_config()}),
    [](const ::testing::TestParamInfo<StateCase>& info) { return std::string(info.param.name); });

TEST(ControllerState, LoadRejectsAnotherControllersState) {
  const SearchSpaceConfig space = controller_test_space(3, kOps);
  const std::vector<ControllerConfig> configs = {
      config_of(ControllerKind::random), config_of(ControllerKind::evolution),
      config_of(ControllerKind::reinforce), config_of(ControllerKind::differentiable),
      gdas_config()};
  for (std::size_t a = 0; a < configs.size(); ++a)
    for (std::size_t b = 0; b < configs.size(); ++b) {
      if (a == b) continue;
      const ControllerState state = make_controller(configs[a], space, 1)->save();
      EXPECT_THROW(make_controller(configs[b], space, 1)->load(state), std::invalid_argument)
          << a << " into " << b;
    }
}

TEST(ControllerState, LoadRejectsIncompleteStateAndChangesNothing) {
  const SearchSpaceConfig space = controller_test_space(3, kOps);
  for (ControllerKind kind : {ControllerKind::evolution, ControllerKind::reinforce,
                              ControllerKind::differentiable}) {
    std::unique_ptr<Controller> c = make_controller(config_of(kind), space, 1);
    round(*c, 0);
    const ControllerState before = c->save();
    ControllerState broken = before;
    broken.strings.erase("rng");
    EXPECT_THROW(c->load(broken), std::invalid_argument) << to_string(kind);
    broken = before;
    broken.strings["history"] = "0.5\tnot a genotype\n";
    EXPECT_THROW(c->load(broken), std::invalid_argument) << to_string(kind);
    expect_same_state(c->save(), before);
  }
}

}  // namespace
}  // namespace bitnas

#include <gtest/gtest.h>

#include "controllers/controller_config.hpp"
#include "test_controllers_util.hpp"

namespace bitnas {
namespace {

ControllerConfig parse(const std::string& text) {
  return parse_controller_config(ConfigSection::load_string(text, "search.yaml").section("controller"));
}

TEST(ControllerConfig, DefaultsFollowThePapers) {
  const ControllerConfig r = parse("controller:\n  type: random\n");
  EXPECT_EQ(r.kind, ControllerKind::random);

  const ControllerConfig e = parse("controller:\n  type: evolution\n");
  EXPECT_EQ(e.kind, ControllerKind::evolution);
  EXPECT_EQ(e.evolution.population_size, 100);
  EXPECT_EQ(e.evolution.tournament_size, 25);

  const ControllerConfig rl = parse("controller:\n  type: reinforce\n");
  EXPECT_EQ(rl.reinforce.hidden_size, 64);
  EXPECT_DOUBLE_EQ(rl.reinforce.lr, 3.5e-4);
  EXPECT_DOUBLE_EQ(rl.reinforce.ema_decay, 0.99);
  EXPECT_DOUBLE_EQ(rl.reinforce.entropy_weight, 1e-4);
  EXPECT_DOUBLE_EQ(rl.reinforce.tanh_constant, 1.1);
  EXPECT_DOUBLE_EQ(rl.reinforce.temperature, 5.0);

  const ControllerConfig d = parse("controller:\n  type: differentiable\n");
  EXPECT_EQ(d.differentiable.mode, DifferentiableMode::darts);
  EXPECT_DOUBLE_EQ(d.differentiable.lr, 3e-4);
  EXPECT_DOUBLE_EQ(d.differentiable.beta1, 0.5);
  EXPECT_DOUBLE_EQ(d.differentiable.beta2, 0.999);
  EXPECT_DOUBLE_EQ(d.differentiable.weight_decay, 1e-3);
  EXPECT_DOUBLE_EQ(d.differentiable.gumbel_temperature, 5.0);
  EXPECT_DOUBLE_EQ(d.differentiable.gumbel_temperature_min, 0.5);
  EXPECT_FALSE(d.differentiable.let_none_win);
}

TEST(ControllerConfig, ReadsEveryTypesSettings) {
  const ControllerConfig e =
      parse("controller:\n  type: evolution\n  population_size: 50\n  tournament_size: 10\n");
  EXPECT_EQ(e.evolution.population_size, 50);
  EXPECT_EQ(e.evolution.tournament_size, 10);
  const ControllerConfig rl = parse(
      "controller:\n  type: reinforce\n  hidden_size: 32\n  lr: 0.001\n  ema_decay: 0.95\n"
      "  entropy_weight: 0.01\n  tanh_constant: 2.5\n  temperature: 1.0\n");
  EXPECT_EQ(rl.reinforce.hidden_size, 32);
  EXPECT_DOUBLE_EQ(rl.reinforce.lr, 1e-3);
  EXPECT_DOUBLE_EQ(rl.reinforce.ema_decay, 0.95);
  EXPECT_DOUBLE_EQ(rl.reinforce.entropy_weight, 0.01);
  EXPECT_DOUBLE_EQ(rl.reinforce.tanh_constant, 2.5);
  EXPECT_DOUBLE_EQ(rl.reinforce.temperature, 1.0);
  const ControllerConfig d = parse(
      "controller:\n  type: differentiable\n  mode: gdas\n  gumbel_temperature: 10\n"
      "  gumbel_temperature_min: 0.1\n  let_none_win: true\n  weight_decay: 0\n");
  EXPECT_EQ(d.differentiable.mode, DifferentiableMode::gdas);
  EXPECT_DOUBLE_EQ(d.differentiable.gumbel_temperature, 10.0);
  EXPECT_DOUBLE_EQ(d.differentiable.gumbel_temperature_min, 0.1);
  EXPECT_TRUE(d.differentiable.let_none_win);
  EXPECT_DOUBLE_EQ(d.differentiable.weight_decay, 0.0);
}

TEST(ControllerConfig, MakeControllerBuildsTheConfiguredType) {
  const SearchSpaceConfig space = testing::controller_test_space(2, "[bconv_3x3, none]");
  for (const char* type : {"random", "evolution", "reinforce", "differentiable"}) {
    const ControllerConfig c = parse(std::string("controller:\n  type: ") + type + "\n");
    EXPECT_EQ(make_controller(c, space, 1)->type_name(), type);
  }
}

struct BadCase {
  const char* name;
  std::string yaml;
  std::string expected_message;
};

class ControllerConfigErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ControllerConfigErrors, NameFileLineAndKey) {
  try {
    parse(GetParam().yaml);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), GetParam().expected_message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ControllerConfigErrors,
    ::testing::Values(
        BadCase{"unknown_type", "controller:\n  type: bayesian\n",
                "search.yaml:2: controller.type: 'bayesian' is not one of: differentiable, "
                "evolution, random, reinforce"},
        BadCase{"other_types_key", "controller:\n  type: evolution\n  hidden_size: 32\n",
                "search.yaml:3: controller.hidden_size: is a setting of controller type "
                "'reinforce', not of 'evolution'"},
        BadCase{"unknown_key", "controller:\n  type: random\n  populaton_size: 3\n",
                "search.yaml:3: controller.populaton_size: unknown key"},
        BadCase{"tournament_too_large",
                "controller:\n  type: evolution\n  population_size: 10\n  tournament_size: 11\n",
                "search.yaml:4: controller.tournament_size: must not exceed population_size "
                "(10), got 11"},
        BadCase{"population_zero", "controller:\n  type: evolution\n  population_size: 0\n",
                "search.yaml:3: controller.population_size: must be in [1, 1000000], got 0"},
        BadCase{"ema_decay_one", "controller:\n  type: reinforce\n  ema_decay: 1.0\n",
                "search.yaml:3: controller.ema_decay: must be in [0, 1), got 1"},
        BadCase{"temperature_zero", "controller:\n  type: reinforce\n  temperature: 0\n",
                "search.yaml:3: controller.temperature: must be in (0, inf), got 0"},
        BadCase{"bad_mode", "controller:\n  type: differentiable\n  mode: enas\n",
                "search.yaml:3: controller.mode: 'enas' is not one of: darts, gdas"},
        BadCase{"min_above_start",
                "controller:\n  type: differentiable\n  gumbel_temperature: 1\n"
                "  gumbel_temperature_min: 2\n",
                "search.yaml:4: controller.gumbel_temperature_min: must be in (0, 1], got 2"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace bitnas

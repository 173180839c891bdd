// SGD, Adam, AdamW and gradient clipping against steps computed here from PyTorch's update
// formulas (in double), plus the Optimizer contract: clamp after the step, version bumps,
// parameter groups by role, per-group learning rates, and checkpoint state round trips.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/optim/adam.hpp"
#include "ops/optim/grad_clip.hpp"
#include "ops/optim/sgd.hpp"

namespace bitnas {
namespace {

// Three steps' gradients for a two-element parameter starting at {1, -2}.
const std::vector<std::vector<float>> kGrads = {{0.5f, -1.0f}, {0.1f, 0.3f}, {-0.2f, 0.4f}};
const std::vector<float> kStart = {1.0f, -2.0f};

Parameter make_param(const std::vector<float>& values, ParamRole role = ParamRole::weight) {
  Tensor t({static_cast<int>(values.size())});
  for (std::size_t i = 0; i < values.size(); ++i) t[static_cast<std::int64_t>(i)] = values[i];
  return Parameter(std::move(t), role);
}

void set_grad(Parameter& p, const std::vector<float>& g) {
  for (std::size_t i = 0; i < g.size(); ++i) p.grad[static_cast<std::int64_t>(i)] = g[i];
}

// torch.optim.SGD on one scalar, in double.
std::vector<double> reference_sgd(double p, const std::vector<double>& grads, double lr,
                                  double wd, double momentum, double dampening, bool nesterov) {
  std::vector<double> out;
  double buf = 0.0;
  for (std::size_t t = 0; t < grads.size(); ++t) {
    double d = grads[t] + wd * p;
    if (momentum != 0.0) {
      buf = t == 0 ? d : momentum * buf + (1.0 - dampening) * d;
      d = nesterov ? d + momentum * buf : buf;
    }
    p -= lr * d;
    out.push_back(p);
  }
  return out;
}

// torch.optim.Adam / AdamW on one scalar, in double.
std::vector<double> reference_adam(double p, const std::vector<double>& grads, double lr,
                                   double wd, bool decoupled, double b1 = 0.9, double b2 = 0.999,
                                   double eps = 1e-8) {
  std::vector<double> out;
  double m = 0.0, v = 0.0;
  for (std::size_t k = 0; k < grads.size(); ++k) {
    const double t = static_cast<double>(k + 1);
    double g = grads[k];
    if (decoupled) p *= 1.0 - lr * wd;
    else g += wd * p;
    m = b1 * m + (1.0 - b1) * g;
    v = b2 * v + (1.0 - b2) * g * g;
    const double m_hat = m / (1.0 - std::pow(b1, t));
    const double denom = std::sqrt(v) / std::sqrt(1.0 - std::pow(b2, t)) + eps;
    p -= lr * m_hat / denom;
    out.push_back(p);
  }
  return out;
}

std::vector<double> column(std::size_t i) {
  std::vector<double> c;
  for (const auto& g : kGrads) c.push_back(g[i]);
  return c;
}

// Runs three steps of `opt` on p (starting at kStart) and compares with reference(i) per
// element i.
template <typename Reference>
void expect_three_steps(Optimizer& opt, Parameter& p, Reference reference) {
  std::vector<std::vector<double>> expect = {reference(0), reference(1)};
  for (std::size_t t = 0; t < kGrads.size(); ++t) {
    set_grad(p, kGrads[t]);
    opt.step();
    for (std::int64_t i = 0; i < 2; ++i)
      EXPECT_NEAR(p.value[i], expect[i][t], 1e-6 * std::max(1.0, std::abs(expect[i][t])))
          << opt.type_name() << " step " << t + 1 << " element " << i;
  }
}

TEST(Sgd, MomentumStepsComputedByHand) {
  // lr 0.1, momentum 0.9, p = 1, grads 0.5, 0.1, -0.2:
  // buf 0.5, 0.55, 0.295 -> p 0.95, 0.895, 0.8655;
  // Nesterov d = g + 0.9 buf = 0.95, 0.595, 0.0655 -> p 0.905, 0.8455, 0.83895.
  for (bool nesterov : {false, true}) {
    Parameter p = make_param({1.0f});
    Sgd sgd({ParamGroup{{&p}, 0.1f, 0.0f}}, SgdOptions{0.9f, 0.0f, nesterov});
    const std::vector<float> expect =
        nesterov ? std::vector<float>{0.905f, 0.8455f, 0.83895f}
                 : std::vector<float>{0.95f, 0.895f, 0.8655f};
    int t = 0;
    for (float g : {0.5f, 0.1f, -0.2f}) {
      p.grad[0] = g;
      sgd.step();
      EXPECT_FLOAT_EQ(p.value[0], expect[t++]) << "nesterov " << nesterov;
    }
  }
}

TEST(Sgd, WeightDecayDampeningAndNesterovFollowPyTorch) {
  struct Case {
    float lr, wd, momentum, dampening;
    bool nesterov;
  };
  for (const Case& c : {Case{0.1f, 0.0f, 0.0f, 0.0f, false}, Case{0.05f, 0.01f, 0.0f, 0.0f, false},
                        Case{0.1f, 0.05f, 0.9f, 0.0f, false}, Case{0.1f, 0.05f, 0.9f, 0.5f, false},
                        Case{0.2f, 0.05f, 0.8f, 0.0f, true}}) {
    Parameter p = make_param(kStart);
    Sgd sgd({ParamGroup{{&p}, c.lr, c.wd}}, SgdOptions{c.momentum, c.dampening, c.nesterov});
    expect_three_steps(sgd, p, [&](std::size_t i) {
      return reference_sgd(kStart[i], column(i), c.lr, c.wd, c.momentum, c.dampening, c.nesterov);
    });
  }
}

TEST(Adam, StepsFollowPyTorchWithL2WeightDecay) {
  // A large eps shows that it is added outside the square root.
  for (float eps : {1e-8f, 0.1f})
    for (float wd : {0.0f, 0.1f}) {
      Parameter p = make_param(kStart);
      Adam adam({ParamGroup{{&p}, 0.01f, wd}}, AdamOptions{0.9f, 0.999f, eps});
      EXPECT_EQ(adam.type_name(), "Adam");
      expect_three_steps(adam, p, [&](std::size_t i) {
        return reference_adam(kStart[i], column(i), 0.01, wd, false, 0.9, 0.999, eps);
      });
    }
}

TEST(Adam, FirstStepMovesByLrTimesSignOfGradient) {
  // m_hat = g and v_hat = g^2 after one step, so the update is lr * g / (|g| + eps).
  Parameter p = make_param({1.0f, -2.0f});
  Adam adam({ParamGroup{{&p}, 0.1f, 0.0f}}, AdamOptions{0.8f, 0.99f, 0.0f});
  set_grad(p, {0.5f, -3.0f});
  adam.step();
  EXPECT_FLOAT_EQ(p.value[0], 0.9f);
  EXPECT_FLOAT_EQ(p.value[1], -1.9f);
}

TEST(AdamW, DecoupledWeightDecayFollowsPyTorch) {
  for (float wd : {0.0f, 0.1f}) {
    Parameter p = make_param(kStart);
    AdamW adamw({ParamGroup{{&p}, 0.01f, wd}}, AdamOptions{0.9f, 0.999f, 1e-8f});
    EXPECT_EQ(adamw.type_name(), "AdamW");
    EXPECT_TRUE(adamw.options().decoupled_weight_decay);
    expect_three_steps(adamw, p, [&](std::size_t i) {
      return reference_adam(kStart[i], column(i), 0.01, wd, true);
    });
  }
}

TEST(AdamW, DiffersFromAdamOnlyWithWeightDecay) {
  Parameter a = make_param(kStart), b = make_param(kStart);
  Adam adam({ParamGroup{{&a}, 0.01f, 0.1f}});
  AdamW adamw({ParamGroup{{&b}, 0.01f, 0.1f}});
  set_grad(a, kGrads[0]);
  set_grad(b, kGrads[0]);
  adam.step();
  adamw.step();
  EXPECT_NE(a.value[0], b.value[0]);
}

TEST(Optimizer, ClampsAfterTheStepAndBumpsTheVersion) {
  Parameter clipped = make_param({0.95f, -0.5f, 0.2f}, ParamRole::binary_weight);
  clipped.clamp = 1.0f;
  Parameter free = make_param({0.95f});
  Sgd sgd({ParamGroup{{&clipped, &free}, 1.0f, 0.0f}});
  set_grad(clipped, {-0.5f, 1.0f, 0.1f});
  set_grad(free, {-0.5f});
  EXPECT_EQ(clipped.version, 0u);
  sgd.step();
  EXPECT_EQ(clipped.value[0], 1.0f);   // 1.45 clamped
  EXPECT_EQ(clipped.value[1], -1.0f);  // -1.5 clamped
  EXPECT_FLOAT_EQ(clipped.value[2], 0.1f);
  EXPECT_FLOAT_EQ(free.value[0], 1.45f);  // no clamp set
  EXPECT_EQ(clipped.version, 1u);
  EXPECT_EQ(free.version, 1u);
  sgd.step();
  EXPECT_EQ(clipped.version, 2u);
  EXPECT_EQ(sgd.step_count(), 2);
}

TEST(Optimizer, LearningRateIsPerGroup) {
  Parameter a = make_param({1.0f}), b = make_param({1.0f});
  Sgd sgd({ParamGroup{{&a}, 0.1f, 0.0f, "a"}, ParamGroup{{&b}, 0.1f, 0.0f, "b"}});
  sgd.set_lr(1, 0.5f);
  EXPECT_EQ(sgd.lr(0), 0.1f);
  EXPECT_EQ(sgd.lr(1), 0.5f);
  a.grad[0] = 1.0f;
  b.grad[0] = 1.0f;
  sgd.step();
  EXPECT_FLOAT_EQ(a.value[0], 0.9f);
  EXPECT_FLOAT_EQ(b.value[0], 0.5f);
  EXPECT_THROW(sgd.set_lr(2, 0.1f), std::out_of_range);
  EXPECT_THROW(sgd.set_lr(0, -1.0f), std::invalid_argument);
}

TEST(Optimizer, ZeroGradClearsEveryGroup) {
  Parameter a = make_param({1.0f}), b = make_param({1.0f, 2.0f});
  Sgd sgd({ParamGroup{{&a}, 0.1f, 0.0f}, ParamGroup{{&b}, 0.1f, 0.0f}});
  set_grad(a, {3.0f});
  set_grad(b, {4.0f, 5.0f});
  sgd.zero_grad();
  EXPECT_EQ(a.grad[0], 0.0f);
  EXPECT_EQ(b.grad[1], 0.0f);
  EXPECT_EQ(sgd.parameters(), (std::vector<Parameter*>{&a, &b}));
}

TEST(Optimizer, RejectsBadConstruction) {
  Parameter a = make_param({1.0f});
  EXPECT_THROW(Sgd({ParamGroup{{&a}, 0.1f, 0.0f}, ParamGroup{{&a}, 0.1f, 0.0f}}),
               std::invalid_argument);
  EXPECT_THROW(Sgd({ParamGroup{{&a}, -0.1f, 0.0f}}), std::invalid_argument);
  EXPECT_THROW(Sgd({ParamGroup{{nullptr}, 0.1f, 0.0f}}), std::invalid_argument);
  EXPECT_THROW(Sgd({ParamGroup{{&a}, 0.1f, 0.0f}}, SgdOptions{0.0f, 0.0f, true}),
               std::invalid_argument);
  EXPECT_THROW(Sgd({ParamGroup{{&a}, 0.1f, 0.0f}}, SgdOptions{0.9f, 0.1f, true}),
               std::invalid_argument);
  EXPECT_THROW(Adam({ParamGroup{{&a}, 0.1f, 0.0f}}, AdamOptions{1.0f, 0.999f, 1e-8f}),
               std::invalid_argument);
}

// One parameter of each role, as a network's leaves would report them.
class OneOfEachRole : public Module {
 public:
  std::string type_name() const override { return "OneOfEachRole"; }
  Tensor forward(const Tensor& input, Mode) override { return input; }
  Tensor backward(const Tensor& grad_output) override { return grad_output; }
  void collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) override {
    out.push_back({prefix + "conv.weight", &weight});
    out.push_back({prefix + "conv.bias", &bias});
    out.push_back({prefix + "bconv.weight", &binary});
    out.push_back({prefix + "bn.weight", &gamma});
  }
  Parameter weight = make_param({1.0f}, ParamRole::weight);
  Parameter bias = make_param({1.0f}, ParamRole::bias);
  Parameter binary = make_param({1.0f}, ParamRole::binary_weight);
  Parameter gamma = make_param({1.0f}, ParamRole::norm);
};

TEST(ParamGroups, BinaryWeightsAndNormParametersAreNotDecayed) {
  OneOfEachRole m;
  const auto groups = weight_decay_groups(m.parameters(), 0.01f, 5e-4f);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "decay");
  EXPECT_EQ(groups[0].weight_decay, 5e-4f);
  EXPECT_EQ(groups[0].lr, 0.01f);
  EXPECT_EQ(groups[0].params, (std::vector<Parameter*>{&m.weight, &m.bias}));
  EXPECT_EQ(groups[1].name, "no_decay");
  EXPECT_EQ(groups[1].weight_decay, 0.0f);
  EXPECT_EQ(groups[1].params, (std::vector<Parameter*>{&m.binary, &m.gamma}));

  const auto no_bias = weight_decay_groups(m.parameters(), 0.01f, 5e-4f, BiasDecay::not_decayed);
  EXPECT_EQ(no_bias[0].params, (std::vector<Parameter*>{&m.weight}));
  EXPECT_EQ(no_bias[1].params, (std::vector<Parameter*>{&m.bias, &m.binary, &m.gamma}));

  // Weight decay reaches only the decayed group.
  Sgd sgd(groups);
  for (Parameter* p : sgd.parameters()) p->grad.fill(0.0f);
  sgd.step();
  EXPECT_FLOAT_EQ(m.weight.value[0], 1.0f - 0.01f * 5e-4f);
  EXPECT_EQ(m.binary.value[0], 1.0f);
  EXPECT_EQ(m.gamma.value[0], 1.0f);
}

TEST(GradClip, ScalesToMaxNormAndReturnsTheTotal) {
  Parameter a = make_param({3.0f, 4.0f}), b = make_param({12.0f});
  const std::vector<Parameter*> params = {&a, &b};
  EXPECT_FLOAT_EQ(clip_grad_norm(params, 100.0f), 0.0f);  // grads start at zero
  set_grad(a, {3.0f, 4.0f});
  set_grad(b, {12.0f});
  // Below the threshold nothing changes, bit for bit.
  EXPECT_FLOAT_EQ(clip_grad_norm(params, 20.0f), 13.0f);
  EXPECT_EQ(a.grad[0], 3.0f);
  EXPECT_EQ(b.grad[0], 12.0f);
  // Above it: factor 11.7 / (13 + 1e-6), about 0.9.
  EXPECT_FLOAT_EQ(clip_grad_norm(params, 11.7f), 13.0f);
  const double factor = 11.7 / (13.0 + 1e-6);
  EXPECT_FLOAT_EQ(a.grad[0], static_cast<float>(3.0 * factor));
  EXPECT_FLOAT_EQ(a.grad[1], static_cast<float>(4.0 * factor));
  EXPECT_FLOAT_EQ(b.grad[0], static_cast<float>(12.0 * factor));
  EXPECT_NEAR(clip_grad_norm(params, 100.0f), 11.7f, 1e-5f);
}

TEST(GradClip, EpsilonMattersForTinyNorms) {
  // norm 1e-5, max_norm 1e-6: factor 1e-6 / (1e-5 + 1e-6) = 1/11, not 1/10.
  Parameter a = make_param({0.0f, 0.0f});
  set_grad(a, {6e-6f, 8e-6f});
  EXPECT_FLOAT_EQ(clip_grad_norm({&a}, 1e-6f), 1e-5f);
  EXPECT_FLOAT_EQ(a.grad[0], 6e-6f / 11.0f);
  EXPECT_FLOAT_EQ(a.grad[1], 8e-6f / 11.0f);
}

TEST(GradClip, NonFiniteNormLeavesGradsAlone) {
  Parameter a = make_param({0.0f, 0.0f});
  set_grad(a, {std::numeric_limits<float>::infinity(), 1.0f});
  EXPECT_TRUE(std::isinf(clip_grad_norm({&a}, 1.0f)));
  EXPECT_EQ(a.grad[1], 1.0f);
  EXPECT_THROW(clip_grad_norm({&a}, -1.0f), std::invalid_argument);
}

// Two steps, a save, then a third step on the original and on a fresh optimizer restored from
// the save: the parameters must agree bit for bit.
template <typename MakeOptimizer>
void expect_state_round_trip(MakeOptimizer make, const std::vector<std::string>& keys) {
  Parameter p = make_param(kStart), q = make_param({0.5f});
  auto original = make(std::vector<ParamGroup>{{{&p}, 0.05f, 0.01f}, {{&q}, 0.1f, 0.0f}});
  for (int t = 0; t < 2; ++t) {
    set_grad(p, kGrads[t]);
    q.grad[0] = 0.3f * (t + 1);
    original->step();
  }
  const std::map<std::string, Tensor> saved = original->state();
  std::vector<std::string> saved_keys;
  for (const auto& [k, v] : saved) saved_keys.push_back(k);
  EXPECT_EQ(saved_keys, keys);

  Parameter p2 = p, q2 = q;
  auto restored = make(std::vector<ParamGroup>{{{&p2}, 0.05f, 0.01f}, {{&q2}, 0.1f, 0.0f}});
  restored->load_state(saved);
  EXPECT_EQ(restored->step_count(), 2);
  for (auto* run : {original.get(), restored.get()}) {
    Parameter& a = run == original.get() ? p : p2;
    Parameter& b = run == original.get() ? q : q2;
    set_grad(a, kGrads[2]);
    b.grad[0] = -0.4f;
    run->step();
  }
  for (std::int64_t i = 0; i < 2; ++i) EXPECT_EQ(p.value[i], p2.value[i]) << i;
  EXPECT_EQ(q.value[0], q2.value[0]);
}

TEST(OptimizerState, SgdMomentumRoundTrip) {
  expect_state_round_trip(
      [](std::vector<ParamGroup> g) {
        return std::make_unique<Sgd>(std::move(g), SgdOptions{0.9f, 0.0f, true});
      },
      {"0.0.momentum_buffer", "1.0.momentum_buffer", "step"});
}

TEST(OptimizerState, AdamRoundTrip) {
  expect_state_round_trip(
      [](std::vector<ParamGroup> g) { return std::make_unique<Adam>(std::move(g)); },
      {"0.0.exp_avg", "0.0.exp_avg_sq", "0.0.step", "1.0.exp_avg", "1.0.exp_avg_sq", "1.0.step", "step"});
}

TEST(OptimizerState, StepCountBeyondFloatPrecisionSurvives) {
  Parameter p = make_param({1.0f});
  Adam adam({ParamGroup{{&p}, 0.1f, 0.0f}});
  auto state = adam.state();
  const std::int64_t big = (std::int64_t{1} << 30) + 7;
  state["step"] = Tensor({2}, {static_cast<float>(big % (1 << 24)),
                               static_cast<float>(big / (1 << 24))});
  adam.load_state(state);
  EXPECT_EQ(adam.step_count(), big);
  EXPECT_EQ(adam.state().at("step")[0], static_cast<float>(big % (1 << 24)));
}

TEST(OptimizerState, LoadRejectsForeignOrMisshapenState) {
  Parameter p = make_param(kStart);
  Sgd sgd({ParamGroup{{&p}, 0.1f, 0.0f}}, SgdOptions{0.9f});
  Adam adam({ParamGroup{{&p}, 0.1f, 0.0f}});
  set_grad(p, kGrads[0]);
  adam.step();
  EXPECT_THROW(sgd.load_state(adam.state()), std::invalid_argument);  // unknown slots

  std::map<std::string, Tensor> wrong_shape = {{"step", Tensor({2})},
                                               {"0.0.momentum_buffer", Tensor({3})}};
  EXPECT_THROW(sgd.load_state(wrong_shape), std::invalid_argument);
  std::map<std::string, Tensor> no_param = {{"step", Tensor({2})},
                                            {"1.0.momentum_buffer", Tensor({2})}};
  EXPECT_THROW(sgd.load_state(no_param), std::invalid_argument);
  EXPECT_THROW(sgd.load_state({{"0.momentum_buffer", Tensor({2})}, {"step", Tensor({2})}}),
               std::invalid_argument);
  EXPECT_THROW(sgd.load_state({}), std::invalid_argument);  // no step count

  // A failed load changes nothing.
  sgd.step();
  const auto before = sgd.state();
  EXPECT_THROW(sgd.load_state(wrong_shape), std::invalid_argument);
  EXPECT_EQ(sgd.state().size(), before.size());
  EXPECT_EQ(sgd.step_count(), 1);
}

}  // namespace
}  // namespace bitnas

namespace bitnas {
namespace {

// A supernet step updates only the sampled path: the others and their state stay as they are,
// and Adam's bias correction counts each parameter's own updates (PyTorch's state['step']).
TEST(OptimizerSubset, StepOnlyTouchesTheSelectedParameters) {
  Parameter a(Tensor({1}, {1.0f}), ParamRole::weight), b(Tensor({1}, {1.0f}), ParamRole::weight);
  Adam adam({ParamGroup{{&a, &b}, 0.1f, 0.0f}});
  a.grad[0] = 0.5f;
  b.grad[0] = 0.5f;
  adam.step({&a});
  EXPECT_EQ(b.value[0], 1.0f);
  EXPECT_EQ(b.version, 0u);
  EXPECT_EQ(adam.state().count("0.1.exp_avg"), 0u);
  adam.step({&b});
  // b's first update is a first Adam step: lr * g / (|g| + eps) = 0.1 * sign(g).
  EXPECT_NEAR(b.value[0], 1.0f - 0.1f, 1e-6);
  EXPECT_NEAR(a.value[0], 1.0f - 0.1f, 1e-6);
  EXPECT_EQ(adam.state().at("0.1.step")[0], 1.0f);
}

}  // namespace
}  // namespace bitnas

#include "ops/optim/optimizer.hpp"

#include <functional>
#include <unordered_set>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <stdexcept>
#include <utility>

namespace bitnas {

namespace {

// The step count travels as floats, which hold integers exactly only up to 2^24: it is split
// into 24-bit digits [low, high] (exact up to 2^48 steps).
constexpr double kStepDigit = 16777216.0;  // 2^24

Tensor encode_steps(std::int64_t steps) {
  const double s = static_cast<double>(steps);
  const double high = std::floor(s / kStepDigit);
  return Tensor({2}, {static_cast<float>(s - high * kStepDigit), static_cast<float>(high)});
}

std::int64_t decode_steps(const Tensor& t) {
  if (t.shape() != Shape{2} || t[0] < 0.0f || t[1] < 0.0f || t[0] >= kStepDigit ||
      t[0] != std::floor(t[0]) || t[1] != std::floor(t[1]))
    throw std::invalid_argument("optimizer state 'step' must be [low, high] step-count digits, "
                                "got shape " + t.shape_string());
  return static_cast<std::int64_t>(t[0]) + static_cast<std::int64_t>(t[1]) *
                                               static_cast<std::int64_t>(kStepDigit);
}

void require_rate(float value, const std::string& what) {
  if (!std::isfinite(value) || value < 0.0f)
    throw std::invalid_argument("optimizer: " + what + " must be finite and >= 0, got " +
                                std::to_string(value));
}

}  // namespace

std::vector<ParamGroup> weight_decay_groups(const std::vector<NamedParameter>& params, float lr,
                                            float weight_decay, BiasDecay bias) {
  ParamGroup decay{{}, lr, weight_decay, "decay"};
  ParamGroup no_decay{{}, lr, 0.0f, "no_decay"};
  for (const NamedParameter& p : params) {
    const bool decayed = p.param->role == ParamRole::weight ||
                         (p.param->role == ParamRole::bias && bias == BiasDecay::decayed);
    (decayed ? decay : no_decay).params.push_back(p.param);
  }
  return {std::move(decay), std::move(no_decay)};
}

Optimizer::Optimizer(std::vector<ParamGroup> groups) : groups_(std::move(groups)) {
  std::set<const Parameter*> seen;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const std::string group = "group " + std::to_string(g) +
                              (groups_[g].name.empty() ? "" : " (" + groups_[g].name + ")");
    require_rate(groups_[g].lr, group + " lr");
    require_rate(groups_[g].weight_decay, group + " weight_decay");
    for (const Parameter* p : groups_[g].params) {
      if (!p) throw std::invalid_argument("optimizer: null parameter in " + group);
      if (!seen.insert(p).second)
        throw std::invalid_argument("optimizer: a parameter appears twice (again in " + group +
                                    ")");
    }
    slots_.emplace_back(groups_[g].params.size());
  }
}

void Optimizer::step() { update_where([](const Parameter*) { return true; }); }

void Optimizer::step(const std::vector<Parameter*>& only) {
  const std::unordered_set<const Parameter*> selected(only.begin(), only.end());
  update_where([&](const Parameter* p) { return selected.count(p) > 0; });
}

void Optimizer::update_where(const std::function<bool(const Parameter*)>& selected) {
  ++steps_;
  for (std::size_t g = 0; g < groups_.size(); ++g)
    for (std::size_t i = 0; i < groups_[g].params.size(); ++i) {
      Parameter& p = *groups_[g].params[i];
      if (!selected(&p)) continue;
      require_same_shape(p.grad, p.value, "optimizer step (grad vs value)");
      update(groups_[g], p, slots_[g][i]);
      if (p.clamp) {
        const float c = *p.clamp;
        for (float& v : p.value.values()) v = std::clamp(v, -c, c);
      }
      p.mark_modified();
    }
}

void Optimizer::zero_grad() {
  for (Parameter* p : parameters()) p->grad.fill(0.0f);
}

float Optimizer::lr(std::size_t group) const { return groups_.at(group).lr; }

void Optimizer::set_lr(std::size_t group, float lr) {
  require_rate(lr, "lr");
  groups_.at(group).lr = lr;
}

std::vector<Parameter*> Optimizer::parameters() const {
  std::vector<Parameter*> out;
  for (const ParamGroup& g : groups_) out.insert(out.end(), g.params.begin(), g.params.end());
  return out;
}

std::map<std::string, Tensor> Optimizer::state() const {
  std::map<std::string, Tensor> out;
  out["step"] = encode_steps(steps_);
  for (std::size_t g = 0; g < slots_.size(); ++g)
    for (std::size_t i = 0; i < slots_[g].size(); ++i)
      for (const auto& [slot, tensor] : slots_[g][i])
        out[std::to_string(g) + "." + std::to_string(i) + "." + slot] = tensor;
  return out;
}

void Optimizer::load_state(const std::map<std::string, Tensor>& state) {
  const std::vector<std::string> known = slot_names();
  auto fail = [this](const std::string& key, const std::string& why) {
    throw std::invalid_argument(type_name() + " state '" + key + "': " + why);
  };
  auto index = [&](const std::string& key, const std::string& digits) {
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(),
                                            [](unsigned char c) { return std::isdigit(c); }))
      fail(key, "expected <group>.<param>.<slot> or step");
    return std::stoul(digits);
  };
  // Build the new state completely before replacing the old one.
  std::vector<std::vector<Slots>> slots(groups_.size());
  for (std::size_t g = 0; g < groups_.size(); ++g) slots[g].resize(groups_[g].params.size());
  std::int64_t steps = 0;
  bool has_steps = false;
  for (const auto& [key, tensor] : state) {
    if (key == "step") {
      steps = decode_steps(tensor);
      has_steps = true;
      continue;
    }
    const std::size_t a = key.find('.'), b = key.find('.', a == std::string::npos ? a : a + 1);
    if (a == std::string::npos || b == std::string::npos)
      fail(key, "expected <group>.<param>.<slot> or step");
    const std::size_t g = index(key, key.substr(0, a)), i = index(key, key.substr(a + 1, b - a - 1));
    const std::string slot = key.substr(b + 1);
    if (g >= groups_.size() || i >= groups_[g].params.size())
      fail(key, "no such parameter (" + std::to_string(groups_.size()) + " groups)");
    if (std::find(known.begin(), known.end(), slot) == known.end())
      fail(key, "unknown slot '" + slot + "' for " + type_name());
    const auto scalars = scalar_slot_names();
    const bool scalar = std::find(scalars.begin(), scalars.end(), slot) != scalars.end();
    if (scalar && tensor.shape() != Shape{1})
      fail(key, "a per-parameter counter must have shape [1], got " + tensor.shape_string());
    if (!scalar && !tensor.same_shape(groups_[g].params[i]->value))
      fail(key, "shape " + tensor.shape_string() + " does not match the parameter's " +
                    groups_[g].params[i]->value.shape_string());
    slots[g][i][slot] = tensor;
  }
  if (!has_steps) fail("step", "missing");
  slots_ = std::move(slots);
  steps_ = steps;
}

}  // namespace bitnas

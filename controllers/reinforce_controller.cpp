#include "controllers/reinforce_controller.hpp"

#include <stdexcept>

#include "controllers/controller_state_io.hpp"

namespace bitnas {

namespace {

LstmPolicyOptions policy_options(const ReinforceSettings& s) {
  return {s.hidden_size, s.tanh_constant, s.temperature, static_cast<float>(s.init_range)};
}

std::vector<Parameter*> pointers(const std::vector<NamedParameter>& named) {
  std::vector<Parameter*> out;
  for (const NamedParameter& p : named) out.push_back(p.param);
  return out;
}

}  // namespace

ReinforceController::ReinforceController(const SearchSpaceConfig& space,
                                         const ReinforceSettings& settings, std::uint64_t seed)
    : space_(space),
      settings_(settings),
      rng_(seed),
      policy_(space, policy_options(settings), rng_),
      adam_({ParamGroup{pointers(policy_.parameters()), static_cast<float>(settings.lr), 0.0f,
                        "policy"}},
            AdamOptions{static_cast<float>(settings.beta1), static_cast<float>(settings.beta2)}),
      history_(space.num_init_nodes) {
  if (!(settings.ema_decay >= 0.0 && settings.ema_decay < 1.0))
    throw std::invalid_argument("reinforce controller: ema_decay must be in [0, 1)");
  if (!(settings.entropy_weight >= 0.0))
    throw std::invalid_argument("reinforce controller: entropy_weight must be >= 0");
}

std::vector<Genotype> ReinforceController::sample(int n) {
  std::vector<Genotype> out;
  for (int i = 0; i < n; ++i) out.push_back(space_.decode(policy_.sample(rng_).decisions));
  return out;
}

void ReinforceController::step(const std::vector<Genotype>& genotypes,
                               const std::vector<double>& rewards) {
  check_step_arguments(space_, genotypes, rewards);
  if (genotypes.empty()) return;
  std::vector<std::vector<int>> decisions;
  for (const Genotype& g : genotypes) {
    decisions.push_back(space_.encode(g));
    policy_.evaluate(decisions.back());  // rejects what the policy cannot produce, before any change
  }
  history_.record(genotypes, rewards);

  double mean = 0.0;
  for (double r : rewards) mean += r;
  mean /= static_cast<double>(rewards.size());
  baseline_ = baseline_ ? settings_.ema_decay * *baseline_ + (1.0 - settings_.ema_decay) * mean
                        : mean;

  adam_.zero_grad();
  const double n = static_cast<double>(genotypes.size());
  for (std::size_t i = 0; i < genotypes.size(); ++i)
    policy_.accumulate_gradients(decisions[i], -(rewards[i] - *baseline_) / n,
                                 -settings_.entropy_weight / n);
  adam_.step();
}

std::vector<Genotype> ReinforceController::best(int n) {
  return history_.best_after(space_.decode(policy_.argmax().decisions), n);
}

ControllerState ReinforceController::save() const {
  ControllerState state;
  stamp_state_type(state, type_name());
  state.strings["rng"] = rng_.state();
  state.strings["baseline"] = baseline_ ? exact_text(*baseline_) : "";
  for (const auto& [name, value] : policy_.parameter_values()) state.tensors["policy." + name] = value;
  for (const auto& [key, tensor] : adam_.state()) state.tensors["adam." + key] = tensor;
  history_.save(state);
  return state;
}

void ReinforceController::load(const ControllerState& state) {
  require_state_type(state, type_name());
  const std::string type = type_name();
  Rng rng;
  rng.set_state(state_string(state, type, "rng"));
  const std::string& baseline_text = state_string(state, type, "baseline");
  std::optional<double> baseline;
  if (!baseline_text.empty()) baseline = parse_exact_double(baseline_text, type + " controller baseline");
  std::vector<std::pair<Parameter*, const Tensor*>> values;
  for (const NamedParameter& p : policy_.parameters())
    values.push_back({p.param, &state_tensor(state, type, "policy." + p.name, p.param->value.shape())});
  std::map<std::string, Tensor> adam_state;
  for (const auto& [key, tensor] : state.tensors)
    if (key.rfind("adam.", 0) == 0) adam_state.emplace(key.substr(5), tensor);
  EvaluationHistory history(history_);
  history.load(state, type);

  adam_.load_state(adam_state);  // validates before changing anything
  for (auto& [param, value] : values) {
    param->value = *value;
    param->mark_modified();
  }
  rng_ = rng;
  baseline_ = baseline;
  history_ = std::move(history);
}

}  // namespace bitnas

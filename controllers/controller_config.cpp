#include "controllers/controller_config.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <vector>

#include "controllers/random_controller.hpp"

namespace bitnas {

const char* to_string(ControllerKind kind) {
  switch (kind) {
    case ControllerKind::random: return "random";
    case ControllerKind::evolution: return "evolution";
    case ControllerKind::reinforce: return "reinforce";
    case ControllerKind::differentiable: return "differentiable";
  }
  return "?";
}

namespace {

// The keys each type reads (random has none).
const std::map<std::string, std::vector<std::string>>& keys_by_type() {
  static const std::map<std::string, std::vector<std::string>> keys = {
      {"random", {}},
      {"evolution", {"population_size", "tournament_size", "selection"}},
      {"reinforce",
       {"hidden_size", "lr", "beta1", "beta2", "ema_decay", "entropy_weight", "tanh_constant",
        "temperature", "init_range"}},
      {"differentiable",
       {"mode", "lr", "beta1", "beta2", "weight_decay", "gumbel_temperature",
        "gumbel_temperature_min", "let_none_win", "alpha_init_std"}},
  };
  return keys;
}

std::string number(double v) {
  std::string s = std::to_string(v);
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// Far above real use; they bound what a typo can allocate.
constexpr int kMaxPopulation = 1'000'000;
constexpr int kMaxHiddenSize = 4'096;

// A finite number with lo (<= or <) v (<= or <) hi.
double number_in(const ConfigSection& s, const std::string& key, double fallback, double lo,
                 bool lo_open, double hi, bool hi_open) {
  const double v = s.get_double(key, fallback);
  const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  if (!ok)
    s.fail(key, "must be in " + std::string(lo_open ? "(" : "[") + number(lo) + ", " +
                    (std::isinf(hi) ? "inf" : number(hi)) + (hi_open ? ")" : "]") + ", got " +
                    number(v));
  return v;
}

constexpr double kInf = INFINITY;

EvolutionSettings parse_evolution(const ConfigSection& s) {
  EvolutionSettings e;
  e.population_size = s.get_int_in("population_size", e.population_size, 1, kMaxPopulation);
  e.tournament_size = s.get_int_in("tournament_size", e.tournament_size, 1, kMaxPopulation);
  e.selection = s.get_choice("selection", {"reward", "pareto"}, "reward") == "reward"
                    ? EvolutionSelection::reward
                    : EvolutionSelection::pareto;
  if (e.tournament_size > e.population_size)
    s.fail("tournament_size", "must not exceed population_size (" +
                                  std::to_string(e.population_size) + "), got " +
                                  std::to_string(e.tournament_size));
  return e;
}

ReinforceSettings parse_reinforce(const ConfigSection& s) {
  ReinforceSettings r;
  r.hidden_size = s.get_int_in("hidden_size", r.hidden_size, 1, kMaxHiddenSize);
  r.lr = number_in(s, "lr", r.lr, 0.0, true, kInf, true);
  r.beta1 = number_in(s, "beta1", r.beta1, 0.0, false, 1.0, true);
  r.beta2 = number_in(s, "beta2", r.beta2, 0.0, false, 1.0, true);
  r.ema_decay = number_in(s, "ema_decay", r.ema_decay, 0.0, false, 1.0, true);
  r.entropy_weight = number_in(s, "entropy_weight", r.entropy_weight, 0.0, false, kInf, true);
  r.tanh_constant = number_in(s, "tanh_constant", r.tanh_constant, 0.0, false, kInf, true);
  r.temperature = number_in(s, "temperature", r.temperature, 0.0, true, kInf, true);
  r.init_range = number_in(s, "init_range", r.init_range, 0.0, false, kInf, true);
  return r;
}

DifferentiableSettings parse_differentiable(const ConfigSection& s) {
  DifferentiableSettings d;
  d.mode = s.get_choice("mode", {"darts", "gdas"}, "darts") == "gdas" ? DifferentiableMode::gdas
                                                                      : DifferentiableMode::darts;
  d.lr = number_in(s, "lr", d.lr, 0.0, true, kInf, true);
  d.beta1 = number_in(s, "beta1", d.beta1, 0.0, false, 1.0, true);
  d.beta2 = number_in(s, "beta2", d.beta2, 0.0, false, 1.0, true);
  d.weight_decay = number_in(s, "weight_decay", d.weight_decay, 0.0, false, kInf, true);
  d.gumbel_temperature =
      number_in(s, "gumbel_temperature", d.gumbel_temperature, 0.0, true, kInf, true);
  d.gumbel_temperature_min = number_in(s, "gumbel_temperature_min", d.gumbel_temperature_min,
                                       0.0, true, d.gumbel_temperature, false);
  d.let_none_win = s.get_bool("let_none_win", d.let_none_win);
  d.alpha_init_std = number_in(s, "alpha_init_std", d.alpha_init_std, 0.0, false, kInf, true);
  return d;
}

}  // namespace

ControllerConfig parse_controller_config(const ConfigSection& s) {
  std::vector<std::string> types;
  for (const auto& [type, keys] : keys_by_type()) types.push_back(type);
  const std::string type = s.get_choice("type", types, "random");
  const std::vector<std::string>& own = keys_by_type().at(type);
  for (const auto& [other, keys] : keys_by_type())
    for (const std::string& key : keys)
      if (other != type && s.has(key) &&
          std::find(own.begin(), own.end(), key) == own.end())
        s.fail(key, "is a setting of controller type '" + other + "', not of '" + type + "'");

  ControllerConfig c;
  if (type == "evolution") {
    c.kind = ControllerKind::evolution;
    c.evolution = parse_evolution(s);
  } else if (type == "reinforce") {
    c.kind = ControllerKind::reinforce;
    c.reinforce = parse_reinforce(s);
  } else if (type == "differentiable") {
    c.kind = ControllerKind::differentiable;
    c.differentiable = parse_differentiable(s);
  }
  s.reject_unknown_keys();
  return c;
}

std::unique_ptr<Controller> make_controller(const ControllerConfig& config,
                                            const SearchSpaceConfig& space, std::uint64_t seed,
                                            SamplingRules rules) {
  switch (config.kind) {
    case ControllerKind::random: return std::make_unique<RandomController>(space, seed, rules);
    case ControllerKind::evolution:
      return std::make_unique<EvolutionController>(space, config.evolution, seed, rules);
    case ControllerKind::reinforce:
      return std::make_unique<ReinforceController>(space, config.reinforce, seed);
    case ControllerKind::differentiable:
      return std::make_unique<DifferentiableController>(space, config.differentiable, seed);
  }
  throw std::logic_error("make_controller: unknown controller kind");
}

}  // namespace bitnas

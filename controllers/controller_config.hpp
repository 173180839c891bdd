#pragma once
// The `controller` section of a search YAML: `type` picks the controller (aw_nas's
// controller_type) and the section holds that type's settings; a setting of another type is an
// error naming the type it belongs to, so a config never carries silently ignored keys.
//
//   controller:
//     type: evolution          # random | evolution | reinforce | differentiable
//     population_size: 100
//     tournament_size: 25
//
// Keys per type (defaults in the settings structs):
//   evolution:      population_size, tournament_size, selection (reward | pareto)
//   reinforce:      hidden_size, lr, beta1, beta2, ema_decay, entropy_weight, tanh_constant,
//                   temperature, init_range
//   differentiable: mode (darts | gdas), lr, beta1, beta2, weight_decay, gumbel_temperature,
//                   gumbel_temperature_min, let_none_win, alpha_init_std
// Defaults follow the papers: evolution 100 / 25 (Real et al.); reinforce ENAS's policy
// (hidden 64, lr 3.5e-4, baseline decay 0.99, entropy weight 1e-4, tanh constant 1.1,
// temperature 5); differentiable DARTS's architecture Adam (lr 3e-4, betas 0.5 / 0.999,
// weight decay 1e-3) and GDAS's temperature 5 -> 0.5.
#include <cstdint>
#include <memory>
#include <string>

#include "controllers/controller.hpp"
#include "controllers/differentiable_controller.hpp"
#include "controllers/evolution_controller.hpp"
#include "controllers/reinforce_controller.hpp"
#include "search_spaces/search_space_config.hpp"
#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

enum class ControllerKind { random, evolution, reinforce, differentiable };
const char* to_string(ControllerKind kind);

struct ControllerConfig {
  bool operator==(const ControllerConfig&) const = default;
  ControllerKind kind = ControllerKind::random;
  EvolutionSettings evolution;
  ReinforceSettings reinforce;
  DifferentiableSettings differentiable;
};

// Parses and validates a `controller` section; every error names file, line and key.
ControllerConfig parse_controller_config(const ConfigSection& section);

// The controller of `config.kind` over `space`, seeded with `seed`.
// Random and evolution sample within `rules`; the others are judged by them through their
// rewards (the search rejects a genotype that breaks them).
std::unique_ptr<Controller> make_controller(const ControllerConfig& config,
                                            const SearchSpaceConfig& space, std::uint64_t seed,
                                            SamplingRules rules = {});

}  // namespace bitnas

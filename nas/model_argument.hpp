#pragma once
// The MODEL argument shared by `describe` and `plot`: a built-in baseline name, a YAML config
// with `search_space` and `genotype` sections, or a genotype string placed in the search space
// of --config (default: the compiled-in default space).
#include <optional>
#include <string>

#include "search_spaces/model_spec.hpp"

namespace bitnas::cli {

// In this order: a baseline name -> baseline_spec; an argument ending in .yaml / .yml ->
// load_model_spec (a missing file is an error, not a genotype), unless it is a list of
// genotypes (aw_nas or bitnas derive output), whose first is taken; otherwise a genotype string in
// the space of `space_config` (a YAML file with a `search_space` section) or, without one,
// default_search_space(). `space_config` with a baseline or config file is an error, since
// those carry their own space. Errors say which reading failed and why.
// A genotype string without `space_config` goes into the default space, or, when it does not
// fit there, into the default space reshaped to it (genotype_space_inference.hpp). Drawing
// needs no buildable network, so for `draw` any op names and cell shape are accepted.
enum class ModelUse { build, draw };
ModelSpec resolve_model_argument(const std::string& argument,
                                 const std::optional<std::string>& space_config,
                                 ModelUse use = ModelUse::build);

// Help text for the MODEL argument, naming the baselines.
std::string model_argument_help();
// Help text for --config: what the file must hold and the default space's key facts (read
// from the compiled-in default, so the text cannot drift from it).
std::string space_config_help();

}  // namespace bitnas::cli

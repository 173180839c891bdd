#include "nas/model_argument.hpp"

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "aw_nas_compat/translated_config.hpp"
#include "nas/genotype_file.hpp"
#include "ops/core/log.hpp"
#include "search_spaces/genotype_parser.hpp"
#include "search_spaces/genotype_space_inference.hpp"

namespace bitnas::cli {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string joined(const std::vector<int>& items) {
  std::string out;
  for (int item : items) out += (out.empty() ? "" : ", ") + std::to_string(item);
  return "[" + out + "]";
}

// The genotype in the space of the one small-image baseline it fits (a block genotype fits
// xnor_resnet18_blocks or resnete18_blocks); nothing when none or several fit, since the
// baselines' spaces differ in their binary conv settings.
std::optional<ModelSpec> in_the_one_fitting_baseline_space(const std::string& text) {
  std::optional<ModelSpec> found;
  std::string found_name;
  for (const std::string& name : baseline_names()) {
    if (ends_with(name, "_imagenet")) continue;
    try {
      ModelSpec spec = model_spec_from_genotype(text, baseline_spec(name).space);
      if (found) return std::nullopt;
      found = std::move(spec);
      found_name = name;
    } catch (const std::invalid_argument&) {
    }
  }
  if (found)
    logger().info("the genotype does not fit the default space; it fits the space of the "
                 "baseline {} and is described there (--config FILE names another)",
                 found_name);
  return found;
}

// A genotype string with no --config: the default space, else the default space reshaped
// to the genotype (its cell shape, its ops), else (drawing only) just its cell shape.
ModelSpec genotype_without_space(const std::string& text, ModelUse use) {
  const SearchSpaceConfig base = default_search_space();
  try {
    return model_spec_from_genotype(text, base);
  } catch (const GenotypeParseError&) {
    throw;
  } catch (const std::invalid_argument& misfit) {
    const Genotype genotype = parse_genotype(text);
    if (auto spec = in_the_one_fitting_baseline_space(text)) return *spec;
    try {
      const SearchSpaceConfig fitted = space_fitting_genotype(genotype, base);
      ModelSpec spec = model_spec_from_genotype(text, fitted);
      logger().info("the genotype does not fit the default space ({}); using it reshaped to the "
                   "genotype: {} input node(s), {} internal node(s) of {} input(s), primitives "
                   "{}; --config FILE names the space instead",
                   misfit.what(), fitted.num_init_nodes, fitted.num_steps,
                   fitted.num_node_inputs, joined(fitted.primitives));
      return spec;
    } catch (const std::invalid_argument& why_not) {
      if (use == ModelUse::draw) {
        ModelSpec spec;
        spec.name = "genotype";
        spec.source = "genotype string";
        spec.genotype = genotype;
        spec.space = base;
        const InferredCellShape shape = infer_cell_shape(genotype);
        spec.space.num_init_nodes = shape.num_init_nodes;
        spec.space.num_steps = shape.num_steps;
        spec.space.num_node_inputs = shape.num_node_inputs;
        return spec;
      }
      throw std::invalid_argument(
          std::string(misfit.what()) + "; nor does the default space reshaped to the genotype (" +
          why_not.what() + "); give the genotype's space with --config FILE (a YAML file with a "
          "search_space section, or an aw_nas config)");
    }
  }
}

// An aw_nas derive output (a top-level list of genotype strings) or a `genotypes:` file: a
// YAML file that names genotypes but no space.
bool is_genotype_list_file(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(read_config_file(path));
  } catch (const YAML::Exception&) {
    return false;
  }
  return root.IsSequence() || (root.IsMap() && root["genotypes"] && !root["search_space"]);
}

}  // namespace

ModelSpec resolve_model_argument(const std::string& argument,
                                 const std::optional<std::string>& space_config, ModelUse use) {
  const bool is_config_file = ends_with(argument, ".yaml") || ends_with(argument, ".yml");
  std::string genotype_text = argument;
  if (is_config_file && std::filesystem::exists(argument) && is_genotype_list_file(argument)) {
    genotype_text = read_genotype_file(argument, 1);  // the best ranked
  } else if (is_baseline(argument) || is_config_file) {
    if (space_config)
      throw std::invalid_argument("--config " + *space_config +
                                  " applies to genotype strings only; '" + argument +
                                  "' carries its own search space");
    if (is_baseline(argument)) return baseline_spec(argument);
    if (!std::filesystem::exists(argument))
      throw std::invalid_argument("config file '" + argument + "' does not exist");
    return model_spec_from_document(
        ConfigSection::load_string(read_config_translating_aw_nas(argument), argument), argument);
  }
  try {
    if (!space_config) return genotype_without_space(genotype_text, use);
    const SearchSpaceConfig space = parse_search_space(
        ConfigSection::load_string(read_config_translating_aw_nas(*space_config), *space_config)
            .section("search_space"));
    return model_spec_from_genotype(genotype_text, space);
  } catch (const GenotypeParseError& e) {
    throw std::invalid_argument("'" + argument + "' is not a baseline (" +
                                joined(baseline_names()) +
                                "), not a .yaml/.yml config, and does not parse as a genotype "
                                "string: " + e.what());
  }
}

std::string model_argument_help() {
  return "a baseline name (" + joined(baseline_names()) +
         "), a YAML config with search_space and genotype sections (*.yaml, *.yml; aw_nas final "
         "configs are translated), a YAML list of genotypes (aw_nas or bitnas derive output; "
         "the first is taken), or a "
         "genotype string such as \"CNNGenotype(normal_0=[('bconv_3x3', 0, 2), ...], ...)\"";
}

std::string space_config_help() {
  const SearchSpaceConfig s = default_search_space();
  std::ostringstream out;
  out << "YAML file whose search_space section is the space a genotype string is placed in. "
      << "Default: the compiled-in " << s.source << ": " << s.num_layers << " cells, cell_layout "
      << joined(s.cell_layout) << " (reduce groups " << joined(s.reduce_cell_groups) << "), "
      << s.num_init_nodes << " input nodes, " << s.num_steps << " internal nodes of "
      << s.num_node_inputs << " inputs each, concat_op " << to_string(s.concat_op)
      << ", layer_channels " << joined(s.layer_channels) << ", stem " << to_string(s.stem)
      << ", preprocess " << to_string(s.preprocess) << ", binary ops "
      << to_string(s.binary.layer_order) << "; primitives: " << joined(s.primitives);
  return out.str();
}

}  // namespace bitnas::cli

#include "nas/model_argument.hpp"

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "aw_nas_compat/translated_config.hpp"
#include "search_spaces/genotype_parser.hpp"

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

}  // namespace

ModelSpec resolve_model_argument(const std::string& argument,
                                 const std::optional<std::string>& space_config) {
  const bool is_config_file = ends_with(argument, ".yaml") || ends_with(argument, ".yml");
  if (is_baseline(argument) || is_config_file) {
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
  const SearchSpaceConfig space =
      space_config ? parse_search_space(ConfigSection::load_string(
                                            read_config_translating_aw_nas(*space_config),
                                            *space_config)
                                            .section("search_space"))
                   : default_search_space();
  try {
    return model_spec_from_genotype(argument, space);
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
         "configs are translated), or a "
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

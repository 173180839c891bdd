#pragma once
// What a network is made of: a search space plus a genotype in it. Comes from a YAML file with
// `search_space:` and `genotype:` sections, from a built-in baseline name, or from a bare
// genotype string placed in a search space.
#include <optional>
#include <string>
#include <vector>

#include "search_spaces/genotype.hpp"
#include "search_spaces/search_space_config.hpp"
#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

// The input a model was designed for (`input:` of its config), e.g. ImageNet's 3x224x224
// and 1000 classes; `bitnas describe` uses it unless told otherwise.
struct DesignedInput {
  int channels = 0, height = 0, width = 0, classes = 0;
};

struct ModelSpec {
  std::string name;    // baseline name, file name, or "genotype"
  std::string source;  // where it came from, for messages
  SearchSpaceConfig space;
  Genotype genotype;
  std::optional<DesignedInput> designed_input;
};

// The built-in baselines, each shipped as configs/baselines/<name>.yaml: "resnete18",
// "resnete18_blocks", "xnor_resnet18", "xnor_resnet18_blocks".
std::vector<std::string> baseline_names();
bool is_baseline(const std::string& name);
ModelSpec baseline_spec(const std::string& name);

// The default skeleton for bare genotype strings (configs/search_spaces/small_binary.yaml).
SearchSpaceConfig default_search_space();

// `search_space` + `genotype` (+ the optional `input: {channels, height, width, classes}`) of
// a parsed YAML document (other top-level sections are left
// for their own readers). The genotype must fit the space (node counts, known ops, a cell for
// every group in cell_layout); errors name the file, line and key.
ModelSpec model_spec_from_config(const ConfigSection& root, const std::string& name);
// Throws ConfigError when a document names both `baseline` and `genotype`: which one wins
// would be a guess, so neither does.
void check_one_model_source(const ConfigSection& root);
// The model a YAML document names: `baseline: NAME`, or `search_space` + `genotype`.
ModelSpec model_spec_from_document(const ConfigSection& root, const std::string& name);
ModelSpec load_model_spec(const std::string& path);
// A genotype string placed in `space`; parse errors keep their character position.
ModelSpec model_spec_from_genotype(const std::string& genotype_text, const SearchSpaceConfig& space);

// Checks that `genotype` fits `space`: every group of cell_layout has a cell of the right
// kind, node counts match num_init_nodes / num_steps / num_node_inputs, ops are known
// primitives of the space. Throws std::invalid_argument naming the cell and edge.
void check_genotype_in_space(const Genotype& genotype, const SearchSpaceConfig& space);

// What a network built from a given genotype also needs (sampled genotypes are exempt: the
// controllers draw a node's inputs independently, so they may repeat an edge): no edge
// written twice in a cell, and every cell's output reached from its inputs through an op
// other than 'none'. Throws std::invalid_argument naming the cell and edge.
void check_genotype_is_trainable(const Genotype& genotype, int num_init_nodes);

}  // namespace bitnas

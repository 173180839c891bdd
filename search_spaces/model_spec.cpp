#include "search_spaces/model_spec.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <tuple>

#include "search_spaces/embedded_configs.hpp"
#include "search_spaces/genotype_parser.hpp"
#include "search_spaces/genotype_shape.hpp"
#include "search_spaces/op_registry.hpp"

namespace bitnas {

namespace {

constexpr const char* kBaselineDir = "configs/baselines/";
constexpr const char* kDefaultSpace = "configs/search_spaces/small_binary.yaml";

const EmbeddedConfig* find_embedded(const std::string& path) {
  for (const auto& c : embedded_configs())
    if (c.path == path) return &c;
  return nullptr;
}

}  // namespace

std::vector<std::string> baseline_names() {
  std::vector<std::string> names;
  const std::string dir = kBaselineDir;
  for (const auto& c : embedded_configs())
    if (c.path.rfind(dir, 0) == 0)
      names.push_back(c.path.substr(dir.size(), c.path.size() - dir.size() - 5));  // ".yaml"
  std::sort(names.begin(), names.end());
  return names;
}

bool is_baseline(const std::string& name) {
  return find_embedded(kBaselineDir + name + ".yaml") != nullptr;
}

ModelSpec baseline_spec(const std::string& name) {
  const EmbeddedConfig* c = find_embedded(kBaselineDir + name + ".yaml");
  if (!c) {
    std::string known;
    for (const auto& n : baseline_names()) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown baseline '" + name + "' (known: " + known + ")");
  }
  return model_spec_from_config(ConfigSection::load_string(c->text, c->path), name);
}

SearchSpaceConfig default_search_space() {
  const EmbeddedConfig* c = find_embedded(kDefaultSpace);
  if (!c) throw std::logic_error(std::string(kDefaultSpace) + " was not compiled in");
  return parse_search_space(ConfigSection::load_string(c->text, c->path).section("search_space"));
}

void check_genotype_in_space(const Genotype& genotype, const SearchSpaceConfig& space) {
  validate_genotype_shape(genotype, space.num_init_nodes, space.num_steps, space.num_node_inputs);
  for (int layer = 0; layer < space.num_layers; ++layer) {
    const int group = space.cell_layout[layer];
    const CellGenotype* cell = genotype.find_cell(group);
    const bool reduce = space.is_reduce_group(group);
    const std::string field = std::string(reduce ? "reduce_" : "normal_") + std::to_string(group);
    if (!cell)
      throw std::invalid_argument("genotype has no " + field + " cell, but layer " +
                                  std::to_string(layer) + " of cell_layout uses group " +
                                  std::to_string(group));
    if ((cell->kind == CellKind::reduce) != reduce)
      throw std::invalid_argument("genotype cell " + cell->field_name() + ": group " +
                                  std::to_string(group) + " is a " +
                                  (reduce ? "reduce" : "normal") + " group of the space (" +
                                  field + ")");
  }
  for (const auto& cell : genotype.cells)
    for (const auto& e : cell.edges) {
      const std::string& op = canonical_op_name(e.op);
      const bool listed = std::any_of(space.primitives.begin(), space.primitives.end(),
                                      [&](const std::string& p) { return canonical_op_name(p) == op; });
      if (!listed)
        throw std::invalid_argument("genotype cell " + cell.field_name() + ": edge " +
                                    to_string(e) + " uses '" + e.op +
                                    "', which is not among the space's primitives");
    }
}

void check_genotype_is_trainable(const Genotype& genotype, int num_init_nodes) {
  for (const CellGenotype& cell : genotype.cells) {
    std::set<std::tuple<std::string, int, int>> seen;
    for (const GenotypeEdge& e : cell.edges)
      if (!seen.emplace(canonical_op_name(e.op), e.from, e.to).second)
        throw_cell_error(cell, "edge " + to_string(e) +
                                   " is written twice; a node's inputs must differ in op or "
                                   "source node");
    // A node carries signal when an edge other than 'none' comes from a node that does.
    std::vector<bool> live(static_cast<std::size_t>(cell.max_node() + 1), false);
    for (int n = 0; n < num_init_nodes && n < static_cast<int>(live.size()); ++n) live[n] = true;
    std::vector<GenotypeEdge> edges = cell.edges;
    std::stable_sort(edges.begin(), edges.end(),
                     [](const GenotypeEdge& a, const GenotypeEdge& b) { return a.to < b.to; });
    for (const GenotypeEdge& e : edges)
      if (live[e.from] && canonical_op_name(e.op) != "none") live[e.to] = true;
    const std::vector<int> outputs = cell.output_nodes();
    if (std::none_of(outputs.begin(), outputs.end(), [&](int n) { return live[n]; }))
      throw_cell_error(cell, "every path from the cell inputs to its output goes through "
                             "'none', so the cell outputs only zeros");
  }
}

ModelSpec model_spec_from_config(const ConfigSection& root, const std::string& name) {
  ModelSpec spec;
  spec.name = name;
  spec.source = root.file();
  spec.space = parse_search_space(root.section("search_space"));
  if (auto in = root.optional_section("input")) {
    // Bounds as describe's --input and --classes have them.
    spec.designed_input = DesignedInput{in->get_int_in("channels", 3, 1, 64),
                                        in->get_int_in("height", 32, 1, 4'096),
                                        in->get_int_in("width", 32, 1, 4'096),
                                        in->get_int_in("classes", 10, 1, 100'000)};
    in->reject_unknown_keys();
  }
  const std::string text = root.get_string("genotype");
  try {
    spec.genotype = parse_genotype(text);
    check_genotype_in_space(spec.genotype, spec.space);
    check_genotype_is_trainable(spec.genotype, spec.space.num_init_nodes);
  } catch (const std::invalid_argument& e) {
    root.fail("genotype", e.what());
  }
  return spec;
}

void check_one_model_source(const ConfigSection& root) {
  if (root.has("baseline") && root.has("genotype"))
    root.fail("baseline", "the config also has `genotype`; give either `baseline: NAME` or "
                          "`search_space` + `genotype`, not both");
}

ModelSpec model_spec_from_document(const ConfigSection& root, const std::string& name) {
  check_one_model_source(root);
  if (!root.has("baseline")) return model_spec_from_config(root, name);
  try {
    return baseline_spec(root.get_string("baseline"));
  } catch (const std::invalid_argument& e) {
    root.fail("baseline", e.what());
  }
}

ModelSpec load_model_spec(const std::string& path) {
  return model_spec_from_document(ConfigSection::load_file(path), path);
}

ModelSpec model_spec_from_genotype(const std::string& genotype_text,
                                   const SearchSpaceConfig& space) {
  ModelSpec spec;
  spec.name = "genotype";
  spec.source = "genotype string";
  spec.space = space;
  spec.genotype = parse_genotype(genotype_text);
  check_genotype_in_space(spec.genotype, space);
  check_genotype_is_trainable(spec.genotype, space.num_init_nodes);
  return spec;
}

}  // namespace bitnas

#pragma once
// Small search spaces and a synthetic reward for the controller tests.
#include <string>
#include <vector>

#include "search_spaces/genotype.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas::testing {

// A two-group (normal, reduce) cell space with `num_steps` nodes of two inputs each.
inline SearchSpaceConfig controller_test_space(int num_steps, const std::string& primitives,
                                               int num_init_nodes = 2) {
  const std::string text = "search_space:\n"
                           "  num_cell_groups: 2\n"
                           "  num_init_nodes: " + std::to_string(num_init_nodes) + "\n"
                           "  num_layers: 2\n"
                           "  cell_layout: [0, 1]\n"
                           "  reduce_cell_groups: [1]\n"
                           "  num_steps: " + std::to_string(num_steps) + "\n"
                           "  num_node_inputs: 2\n"
                           "  primitives: " + primitives + "\n"
                           "  init_channels: 8\n";
  return parse_search_space(ConfigSection::load_string(text, "space.yaml").section("search_space"));
}

// Fraction of edges that carry `target_op` and come from one of the node's two closest
// predecessors: random search averages well below 1, the optimum is exactly 1.
inline double target_pattern_reward(const Genotype& genotype, const std::string& target_op) {
  int hits = 0, edges = 0;
  for (const CellGenotype& cell : genotype.cells)
    for (const GenotypeEdge& e : cell.edges) {
      ++edges;
      hits += e.op == target_op && e.from >= e.to - 2;
    }
  return edges ? static_cast<double>(hits) / edges : 0.0;
}

inline std::vector<double> rewards_of(const std::vector<Genotype>& genotypes,
                                      const std::string& target_op) {
  std::vector<double> out;
  for (const Genotype& g : genotypes) out.push_back(target_pattern_reward(g, target_op));
  return out;
}

inline double mean(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

}  // namespace bitnas::testing

#include "search_spaces/genotype_shape.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace bitnas {

void check_no_edge_into_inputs(const CellGenotype& cell, int num_init_nodes) {
  for (const GenotypeEdge& e : cell.edges)
    if (e.to < num_init_nodes)
      throw_cell_error(cell, "edge " + to_string(e) + " ends in node " + std::to_string(e.to) +
                                 ", but nodes 0.." + std::to_string(num_init_nodes - 1) +
                                 " are the cell inputs (num_init_nodes " +
                                 std::to_string(num_init_nodes) + ")");
}

void validate_genotype_shape(const Genotype& genotype, int num_init_nodes, int num_steps,
                             int num_node_inputs) {
  if (num_init_nodes < 1 || num_steps < 1 || num_node_inputs < 1)
    throw std::invalid_argument(
        "validate_genotype_shape: num_init_nodes, num_steps and num_node_inputs must be >= 1, "
        "got " +
        std::to_string(num_init_nodes) + ", " + std::to_string(num_steps) + ", " +
        std::to_string(num_node_inputs));
  validate_genotype(genotype);
  const int last = num_init_nodes + num_steps - 1;
  const std::string range = " (num_init_nodes " + std::to_string(num_init_nodes) + " + num_steps " +
                            std::to_string(num_steps) + " makes " + std::to_string(last) +
                            " the last node)";
  for (const CellGenotype& cell : genotype.cells) {
    check_no_edge_into_inputs(cell, num_init_nodes);
    std::vector<int> inputs(last + 1, 0);
    for (const GenotypeEdge& e : cell.edges) {
      if (e.to > last)
        throw_cell_error(cell,
                         "edge " + to_string(e) + " names node " + std::to_string(e.to) + range);
      ++inputs[e.to];
    }
    if (cell.concat)
      for (int n : *cell.concat)
        if (n > last)
          throw_cell_error(cell, "the concat list names node " + std::to_string(n) + range);
    for (int node = num_init_nodes; node <= last; ++node)
      if (inputs[node] != num_node_inputs)
        throw_cell_error(cell, "node " + std::to_string(node) + " has " +
                                   std::to_string(inputs[node]) + " input" +
                                   (inputs[node] == 1 ? "" : "s") + ", but num_node_inputs is " +
                                   std::to_string(num_node_inputs));
  }
}

}  // namespace bitnas

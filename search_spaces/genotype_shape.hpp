#pragma once
// Checks that need the search space's dimensions, which a genotype string does not carry:
// which nodes are cell inputs, how many internal nodes there are, how many inputs each sums.
#include "search_spaces/genotype.hpp"

namespace bitnas {

// Throws std::invalid_argument if an edge of `cell` ends in one of the cell inputs
// 0..num_init_nodes-1 (inputs are given, not computed).
void check_no_edge_into_inputs(const CellGenotype& cell, int num_init_nodes);

// Throws std::invalid_argument naming the cell and node of the first mismatch: a structural
// problem (validate_genotype), an edge into an input node, a node index beyond
// num_init_nodes + num_steps - 1, or an internal node without exactly num_node_inputs inputs.
void validate_genotype_shape(const Genotype& genotype, int num_init_nodes, int num_steps,
                             int num_node_inputs);

}  // namespace bitnas

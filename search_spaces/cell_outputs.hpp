#pragma once
// Which nodes of a cell genotype make up the cell output in a given search space, and which
// nodes reach them. The genotype alone does not decide the first: without a concat list the
// space's concat_nodes or loose_end apply. Anything that draws or builds a cell reads the
// rule from here.
#include <vector>

#include "search_spaces/genotype.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas {

// Ascending: the genotype's concat list; else the space's concat_nodes; else every node with
// incoming edges, minus (loose_end) the nodes another edge consumes.
std::vector<int> cell_output_nodes(const CellGenotype& cell, const SearchSpaceConfig& space);

// live[n] is true when node n is an output node or feeds one through edges; size num_nodes.
std::vector<bool> nodes_reaching(const CellGenotype& cell, int num_nodes,
                                 const std::vector<int>& output_nodes);

}  // namespace bitnas

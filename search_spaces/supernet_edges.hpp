#pragma once
// Every edge a supernet can hold: for each cell group (ascending), each internal node j
// (ascending), each earlier node i < j (ascending). Differentiable search weighs every
// primitive on every such edge; EdgeWeights rows follow this order.
#include <vector>

#include "search_spaces/genotype.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas {

struct SupernetEdge {
  int group = 0;
  CellKind kind = CellKind::normal;
  int from = 0;
  int to = 0;
};

std::vector<SupernetEdge> supernet_edges(const SearchSpaceConfig& space);

// [edge][primitive]: one weight per primitive of the space on every supernet edge.
using EdgeWeights = std::vector<std::vector<float>>;

}  // namespace bitnas

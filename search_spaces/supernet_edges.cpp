#include "search_spaces/supernet_edges.hpp"

namespace bitnas {

std::vector<SupernetEdge> supernet_edges(const SearchSpaceConfig& space) {
  std::vector<SupernetEdge> edges;
  for (int g = 0; g < space.num_cell_groups; ++g) {
    const CellKind kind = space.is_reduce_group(g) ? CellKind::reduce : CellKind::normal;
    for (int j = space.num_init_nodes; j < space.num_init_nodes + space.num_steps; ++j)
      for (int i = 0; i < j; ++i) edges.push_back({g, kind, i, j});
  }
  return edges;
}

}  // namespace bitnas

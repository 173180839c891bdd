#include "search_spaces/cell_outputs.hpp"

#include <algorithm>
#include <set>

namespace bitnas {

std::vector<int> cell_output_nodes(const CellGenotype& cell, const SearchSpaceConfig& space) {
  std::vector<int> outputs;
  if (cell.concat) {
    outputs = *cell.concat;
  } else if (space.concat_nodes) {
    outputs = *space.concat_nodes;
  } else {
    outputs = cell.output_nodes();
    if (space.loose_end) {
      std::set<int> consumed;
      for (const GenotypeEdge& e : cell.edges) consumed.insert(e.from);
      std::erase_if(outputs, [&](int n) { return consumed.count(n) > 0; });
    }
  }
  std::sort(outputs.begin(), outputs.end());
  return outputs;
}

std::vector<bool> nodes_reaching(const CellGenotype& cell, int num_nodes,
                                 const std::vector<int>& output_nodes) {
  std::vector<bool> live(static_cast<std::size_t>(num_nodes), false);
  for (int n : output_nodes)
    if (n >= 0 && n < num_nodes) live[n] = true;
  // Edges go from lower to higher nodes, so one pass from the top settles every node.
  for (int node = num_nodes - 1; node >= 0; --node)
    if (live[node])
      for (const GenotypeEdge& e : cell.edges)
        if (e.to == node && e.from >= 0 && e.from < num_nodes) live[e.from] = true;
  return live;
}

}  // namespace bitnas

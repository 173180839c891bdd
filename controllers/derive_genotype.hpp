#pragma once
// The derive rule of differentiable search (DARTS; docs/DESIGN.md, Weight sharing and controllers):
// for every cell group and internal node, rank the node's incoming supernet edges by their
// strongest op weight and keep the top num_node_inputs, each with its strongest op.
//
// - let_none_win false (DARTS): `none` takes part in neither the ranking nor the op choice.
// - let_none_win true (BNAS, where the zero op is a real choice for binary cells): `none`
//   competes like any op. A kept edge whose strongest op is `none` stays in the genotype as a
//   `none` edge, so a node whose kept edges are all `none` outputs zeros; the genotype keeps
//   the space's fixed shape (num_node_inputs edges per node) and GenotypeSpace can encode it.
// - Ties go to the lower primitive index, then to the lower source node.
// - A node with fewer predecessors than num_node_inputs keeps all of them and fills the
//   remaining slots by repeating its edges in rank order, each repeat with that edge's next
//   strongest op (GenotypeSpace allows repeated inputs exactly there).
// Kept edges are listed by ascending source node. Weights are read as given: softmax(alpha)
// and alpha rank identically per edge but not across edges; DARTS ranks softmax weights.
#include "search_spaces/genotype.hpp"
#include "search_spaces/search_space_config.hpp"
#include "search_spaces/supernet_edges.hpp"

namespace bitnas {

// Throws std::invalid_argument when `weights` is not [supernet edge][primitive] of `space`, a
// weight is not finite, or `none` is the only primitive and may not win.
Genotype derive_genotype(const SearchSpaceConfig& space, const EdgeWeights& weights,
                         bool let_none_win);

// Index of the `none` primitive (or an alias of it) in the space, or -1.
int none_primitive_index(const SearchSpaceConfig& space);

}  // namespace bitnas

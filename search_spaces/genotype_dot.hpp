#pragma once
// A genotype as a Graphviz DOT graph (`bitnas plot`): one cluster per cell genotype, holding
//   - the cell inputs, boxes labelled DARTS style c_{k-2}, c_{k-1} (oldest first),
//   - the internal nodes, ellipses labelled with their node number,
//   - one edge per genotype edge, labelled with the op as the genotype spells it,
//   - the output node c_{k}, labelled with the space's concat_op, fed by the output nodes
//     (cell_outputs.hpp: the concat list, else the space's rule), and, when the space has a
//     cell-wise shortcut, a dashed edge into it from the last input.
// Dead nodes (internal nodes that reach no output node) and the edges into and out of them
// are drawn too, dashed and grey with "(unused)" in the label: the picture shows the genotype
// as written and which part of it the network builder drops. An input no live node reads is
// drawn the same way. Node ids are "<field>_n<node>" and "<field>_out"; output is
// deterministic.
#include <string>

#include "search_spaces/genotype.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas {

// `title` labels the whole graph (e.g. the model name); empty for none. Uses the space's
// num_init_nodes, output-node rule, concat_op and cell_shortcut.
std::string genotype_to_dot(const Genotype& genotype, const SearchSpaceConfig& space,
                            const std::string& title);

}  // namespace bitnas

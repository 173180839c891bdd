#include "search_spaces/architecture_id.hpp"

#include <sstream>

#include "ops/core/exact_text.hpp"
#include "ops/core/fnv_hash.hpp"
#include "search_spaces/cell_outputs.hpp"
#include "search_spaces/genotype_canonical.hpp"
#include "search_spaces/genotype_printer.hpp"

namespace bitnas {

std::string canonical_space_text(const SearchSpaceConfig& s) {
  std::ostringstream out;
  out << "num_cell_groups: " << s.num_cell_groups << "\n"
      << "num_init_nodes: " << s.num_init_nodes << "\n"
      << "num_layers: " << s.num_layers << "\n"
      << "cell_layout: " << int_list_text(s.cell_layout) << "\n"
      << "reduce_cell_groups: " << int_list_text(s.reduce_cell_groups) << "\n"
      << "num_steps: " << s.num_steps << "\n"
      << "num_node_inputs: " << s.num_node_inputs << "\n"
      << "concat_op: " << to_string(s.concat_op) << "\n"
      << "concat_nodes: " << (s.concat_nodes ? int_list_text(*s.concat_nodes) : "null") << "\n"
      << "loose_end: " << (s.loose_end ? "true" : "false") << "\n"
      << "layer_channels: " << int_list_text(s.layer_channels) << "\n"
      << "stem: " << to_string(s.stem) << "\n"
      << "preprocess: " << to_string(s.preprocess) << "\n"
      << "cell_shortcut: " << (s.cell_shortcut ? "true" : "false") << "\n"
      << "downsample: " << to_string(s.downsample) << "\n"
      << "head_relu: " << (s.head_relu ? "true" : "false") << "\n"
      << "layer_order: " << to_string(s.binary.layer_order) << "\n"
      << "binary_conv: " << s.binary.conv.to_string() << "\n"
      << "bn_eps: " << s.binary.bn_eps << "\n";
  return out.str();
}

ArchitectureId architecture_id(const SearchSpaceConfig& space, const Genotype& genotype) {
  // The output nodes written out as the space decides them (concat_nodes, loose_end): the
  // canonical form is read again without the space (derive output, the database), where a
  // missing concat list would mean every node with incoming edges.
  Genotype explicit_outputs = genotype;
  for (CellGenotype& cell : explicit_outputs.cells)
    if (!cell.concat) cell.concat = cell_output_nodes(cell, space);
  ArchitectureId id;
  id.canonical_genotype = to_string(canonicalize(explicit_outputs, space.num_init_nodes));
  id.space_text = canonical_space_text(space);
  id.hash = fnv1a_hex(id.space_text + "\n" + id.canonical_genotype);
  return id;
}

}  // namespace bitnas

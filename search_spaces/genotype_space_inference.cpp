#include "search_spaces/genotype_space_inference.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "search_spaces/op_registry.hpp"

namespace bitnas {

InferredCellShape infer_cell_shape(const Genotype& genotype) {
  int first_internal = -1, last = 0, most_inputs = 1;
  for (const CellGenotype& cell : genotype.cells) {
    std::map<int, int> inputs;
    for (const GenotypeEdge& e : cell.edges) {
      first_internal = first_internal < 0 ? e.to : std::min(first_internal, e.to);
      last = std::max(last, e.to);
      most_inputs = std::max(most_inputs, ++inputs[e.to]);
    }
  }
  InferredCellShape shape;
  shape.num_init_nodes = std::max(1, first_internal);
  shape.num_steps = std::max(1, last - shape.num_init_nodes + 1);
  shape.num_node_inputs = most_inputs;
  return shape;
}

SearchSpaceConfig space_fitting_genotype(const Genotype& genotype, SearchSpaceConfig base) {
  const InferredCellShape shape = infer_cell_shape(genotype);
  for (const CellGenotype& cell : genotype.cells) {
    std::map<int, int> inputs;
    for (const GenotypeEdge& e : cell.edges) ++inputs[e.to];
    for (const auto& [node, count] : inputs)
      if (count != shape.num_node_inputs)
        throw std::invalid_argument(
            "cell " + cell.field_name() + ": node " + std::to_string(node) + " sums " +
            std::to_string(count) + " inputs where another sums " +
            std::to_string(shape.num_node_inputs) + "; a space has one num_node_inputs");
    if (cell.group >= base.num_cell_groups ||
        base.is_reduce_group(cell.group) != (cell.kind == CellKind::reduce))
      throw std::invalid_argument("cell " + cell.field_name() +
                                  " is not a cell group of the default layout (normal_0, "
                                  "reduce_1)");
    for (const GenotypeEdge& e : cell.edges) {
      if (!is_known_op(e.op))
        throw std::invalid_argument("cell " + cell.field_name() + ": '" + e.op +
                                    "' is not a BitNAS op (nor an aw_nas name of one)");
      const bool listed = std::any_of(base.primitives.begin(), base.primitives.end(),
                                      [&](const std::string& p) {
                                        return canonical_op_name(p) == canonical_op_name(e.op);
                                      });
      if (!listed) base.primitives.push_back(e.op);
    }
  }
  base.num_init_nodes = shape.num_init_nodes;
  base.num_steps = shape.num_steps;
  base.num_node_inputs = shape.num_node_inputs;
  base.source = "the default space, reshaped to the genotype";
  return base;
}

}  // namespace bitnas

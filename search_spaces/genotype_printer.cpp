#include "search_spaces/genotype_printer.hpp"

namespace bitnas {

std::string to_string(const Genotype& genotype) {
  validate_genotype(genotype);
  std::string out = "CNNGenotype(";
  bool first_field = true;
  const auto start_field = [&](const std::string& name) {
    if (!first_field) out += ", ";
    first_field = false;
    out += name + "=[";
  };
  for (const CellGenotype& cell : genotype.cells) {
    start_field(cell.field_name());
    for (std::size_t i = 0; i < cell.edges.size(); ++i) {
      if (i > 0) out += ", ";
      out += to_string(cell.edges[i]);
    }
    out += "]";
  }
  for (const CellGenotype& cell : genotype.cells) {
    if (!cell.concat) continue;
    start_field(cell.field_name() + "_concat");
    for (std::size_t i = 0; i < cell.concat->size(); ++i)
      out += (i > 0 ? ", " : "") + std::to_string((*cell.concat)[i]);
    out += "]";
  }
  return out + ")";
}

}  // namespace bitnas

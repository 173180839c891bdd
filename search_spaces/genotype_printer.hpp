#pragma once
// The canonical aw_nas spelling of a genotype:
//   CNNGenotype(normal_0=[('op', 0, 2), ...], reduce_1=[...], normal_0_concat=[2, 3])
// Edge fields in group order with edges in stored order, then the concat fields of the cells
// that have one. parse_genotype(to_string(g)) == g, and to_string(parse_genotype(s)) is a
// fixpoint of print-after-parse.
#include <string>

#include "search_spaces/genotype.hpp"

namespace bitnas {

// Throws std::invalid_argument (from validate_genotype) for a genotype the parser could not
// have produced, since its string would not read back.
std::string to_string(const Genotype& genotype);

}  // namespace bitnas

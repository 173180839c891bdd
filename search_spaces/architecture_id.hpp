#pragma once
// The identity of a trainable architecture in the results database: the canonical genotype
// AND everything of the search space that changes the network it builds (macro skeleton,
// widths, stem, preprocess, layer order, binary knobs...). The same genotype string in two
// spaces (xnor_resnet18 and resnete18 share one) is two architectures. The space's list of
// candidate primitives does not count: it limits what a search may pick, not what is built.
#include <string>

#include "search_spaces/genotype.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas {

struct ArchitectureId {
  std::string canonical_genotype;  // to_string(canonicalize(genotype, num_init_nodes))
  std::string space_text;          // canonical_space_text(space)
  std::string hash;                // 16 hex digits of both
};

// One "key: value" line per field that shapes the network, in a fixed order.
std::string canonical_space_text(const SearchSpaceConfig& space);

ArchitectureId architecture_id(const SearchSpaceConfig& space, const Genotype& genotype);

}  // namespace bitnas

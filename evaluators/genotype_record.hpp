#pragma once
// The results-database row of an architecture: its identity and the costs `describe` reports.
#include "search_spaces/architecture_id.hpp"
#include "search_spaces/cost.hpp"
#include "search_spaces/network.hpp"
#include "storage/result_records.hpp"

namespace bitnas {

GenotypeRecord genotype_record(const ArchitectureId& id, int num_init_nodes,
                               const CostTotals& cost);
// Builds the genotype's network for `input` once to count its costs.
GenotypeRecord measured_genotype_record(const SearchSpaceConfig& space, const Genotype& genotype,
                                        const InputSpec& input);

}  // namespace bitnas

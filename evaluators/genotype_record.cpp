#include "evaluators/genotype_record.hpp"

namespace bitnas {

GenotypeRecord genotype_record(const ArchitectureId& id, int num_init_nodes,
                               const CostTotals& cost) {
  GenotypeRecord g;
  g.hash = id.hash;
  g.canonical = id.canonical_genotype;
  g.num_init_nodes = num_init_nodes;
  g.fp_params = cost.fp_params;
  g.binary_params = cost.binary_params;
  g.flops = cost.flops;
  g.bops = cost.bops;
  g.ops = cost.ops();
  g.bytes = cost.bytes();
  return g;
}

GenotypeRecord measured_genotype_record(const SearchSpaceConfig& space, const Genotype& genotype,
                                        const InputSpec& input) {
  Rng rng(0);  // the weights do not matter for counting
  Network network(space, genotype, input, rng);
  return genotype_record(architecture_id(space, genotype), space.num_init_nodes,
                         measure_costs(network).total);
}

}  // namespace bitnas

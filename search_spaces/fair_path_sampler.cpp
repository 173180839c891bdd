#include "search_spaces/fair_path_sampler.hpp"

#include <algorithm>

namespace bitnas {

FairPathSampler::FairPathSampler(const GenotypeSpace& space, std::uint64_t seed)
    : space_(space), seed_(seed) {}

int FairPathSampler::cycle_length() const { return static_cast<int>(space_.drawable_ops().size()); }

Genotype FairPathSampler::path(std::int64_t step, Rng& rng) const {
  const int p = cycle_length();
  const std::int64_t cycle = step / p;
  const int offset = static_cast<int>(step % p);
  // Inputs as a uniform draw would choose them; ops overwritten by the cycle's schedule.
  std::vector<int> decisions = space_.encode(space_.random(rng));
  const int inputs_per_node = space_.num_node_inputs();
  const int slots = space_.num_decisions() / 2;
  for (int first = 0; first < slots; first += inputs_per_node) {
    // One permutation per node and cycle, from (seed, cycle, node) alone.
    Rng shuffle(seed_ ^ (static_cast<std::uint64_t>(cycle) * 0x9e3779b97f4a7c15ull) ^
                (static_cast<std::uint64_t>(first) << 48));
    std::vector<int> order = space_.drawable_ops();
    for (int i = p - 1; i > 0; --i)
      std::swap(order[i], order[shuffle.below(static_cast<std::uint64_t>(i) + 1)]);
    for (int k = 0; k < inputs_per_node; ++k)
      decisions[2 * (first + k) + 1] = order[(offset + k) % p];
  }
  return space_.decode(decisions);
}

}  // namespace bitnas

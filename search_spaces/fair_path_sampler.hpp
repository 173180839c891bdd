#pragma once
// Strict-fair path sampling for supernet training (FairNAS, Chu et al. 2019): steps come in
// cycles of P steps, P the number of drawable primitives; within a cycle every op decision
// (one edge slot of one node) takes every drawable primitive exactly once, in an order shuffled
// per cycle. So after any whole number of cycles every candidate op of every slot has been
// trained equally often. A node's slots use one permutation at different offsets, so their ops
// differ whenever P >= num_node_inputs. Inputs are drawn as GenotypeSpace::random draws them.
// The sampler is a function of (seed, step) and the caller's Rng: resumable from the step.
#include <cstdint>

#include "search_spaces/genotype_space.hpp"

namespace bitnas {

class FairPathSampler {
 public:
  FairPathSampler(const GenotypeSpace& space, std::uint64_t seed);
  // The path of training step `step` (>= 0); `rng` draws the inputs.
  Genotype path(std::int64_t step, Rng& rng) const;
  int cycle_length() const;

 private:
  const GenotypeSpace& space_;
  std::uint64_t seed_;
};

}  // namespace bitnas

#pragma once
// Derives independent seeds from (seed, purpose, epoch, index) so every random choice of the
// data pipeline is a function of those numbers alone — not of thread scheduling, of how many
// batches came before, or of whether the run was resumed.
#include <cstdint>

namespace bitnas {

// splitmix64's finalizer: a bijection on 64-bit values whose outputs for consecutive inputs
// look independent, which is what seeding needs.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Stream tags keep the shuffle, augmentation and split streams of one seed unrelated.
enum class SeedPurpose : std::uint64_t { shuffle = 1, augmentation = 2, split = 3 };

constexpr std::uint64_t derive_seed(std::uint64_t seed, SeedPurpose purpose,
                                    std::uint64_t epoch = 0, std::uint64_t index = 0) {
  std::uint64_t h = splitmix64(seed);
  h = splitmix64(h ^ static_cast<std::uint64_t>(purpose));
  h = splitmix64(h ^ epoch);
  return splitmix64(h ^ index);
}

}  // namespace bitnas

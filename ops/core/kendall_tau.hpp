#pragma once
// Kendall's rank correlation tau-b between two paired samples, ties handled:
//
//   tau_b = (C - D) / sqrt((n0 - n1) * (n0 - n2))
//
// over the n0 = n(n-1)/2 pairs (i < j): C pairs ordered the same way in x and y (concordant),
// D ordered oppositely (discordant), n1 pairs tied in x, n2 pairs tied in y (a pair tied in
// both counts in n1 and in n2). Without ties it is plain tau-a. It is undefined (nullopt) with
// fewer than 2 pairs or when x or y is constant (a zero denominator).
//
// Used to ask whether a supernet ranks architectures the way retraining does. All n^2 / 2 pairs
// are compared: exact and simple for the few hundred retrained genotypes a study has.
#include <cstdint>
#include <optional>
#include <span>

namespace bitnas {

struct KendallTau {
  std::optional<double> tau_b;
  std::int64_t n = 0;            // pairs of values (observations)
  std::int64_t concordant = 0;   // C
  std::int64_t discordant = 0;   // D
  std::int64_t tied_x = 0;       // n1: pairs with equal x (including those tied in y too)
  std::int64_t tied_y = 0;       // n2: pairs with equal y (including those tied in x too)
};

// Throws std::invalid_argument when x and y differ in length or hold a NaN.
KendallTau kendall_tau_b(std::span<const double> x, std::span<const double> y);

}  // namespace bitnas

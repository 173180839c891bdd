#pragma once
// DARTS' factorized reduce pattern: two stride-2 branches, the second reading the input
// shifted by one pixel (so together they see every pixel), concatenated along channels. The
// full-precision and binary factorized reduces and the binary_factorized downsample differ
// only in their branches.
#include <memory>

#include "search_spaces/branches.hpp"

namespace bitnas {

// Branches "first" (on x) and "second" (PixelShift, then the branch), concatenated.
std::unique_ptr<Branches> make_factorized_pair(std::unique_ptr<Module> first,
                                               std::unique_ptr<Module> second);

}  // namespace bitnas

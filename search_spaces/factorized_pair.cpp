#include "search_spaces/factorized_pair.hpp"

#include "ops/layers/concat.hpp"
#include "ops/layers/pixel_shift.hpp"

namespace bitnas {

std::unique_ptr<Branches> make_factorized_pair(std::unique_ptr<Module> first,
                                               std::unique_ptr<Module> second) {
  auto shifted = std::make_unique<Sequential>();
  shifted->add(std::make_unique<PixelShift>(), "shift");
  shifted->add(std::move(second), "op");
  auto pair = std::make_unique<Branches>("FactorizedPair", std::make_unique<Concat>());
  pair->add("first", std::move(first));
  pair->add("second", std::move(shifted));
  return pair;
}

}  // namespace bitnas

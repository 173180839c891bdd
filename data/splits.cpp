#include "data/splits.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "data/seed_mixing.hpp"
#include "ops/core/random.hpp"

namespace bitnas {

bool DataSplits::has(const std::string& name) const {
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

const std::vector<int>& DataSplits::indices(const std::string& name) const {
  const auto it = std::find(names_.begin(), names_.end(), name);
  if (it == names_.end()) {
    std::string known;
    for (const std::string& n : names_) known += (known.empty() ? "" : ", ") + n;
    throw DataError("no data split named '" + name + "' (have: " + known + ")");
  }
  return indices_[static_cast<std::size_t>(it - names_.begin())];
}

DataSplits carve_splits(const Dataset& train, const std::vector<SplitPortion>& portions,
                        std::uint64_t seed) {
  if (train.split != Split::train)
    throw DataError(train.name +
                    ": splits are carved from training data only; the test set "
                    "stays whole and separate");
  const std::int64_t n = train.size();
  DataSplits out;
  std::int64_t counted = 0;   // images taken by count-given portions so far
  double fraction_sum = 0.0;  // fractions so far
  std::int64_t end = 0;       // end of the previous portion in the permutation
  std::vector<std::int64_t> ends;
  for (const SplitPortion& p : portions) {
    const std::string what = train.name + ": split '" + p.name + "'";
    if (p.name.empty()) throw DataError(train.name + ": a data split needs a name");
    if (out.has(p.name)) throw DataError(what + " is given twice");
    const bool by_fraction = p.fraction != 0.0, by_count = p.count != 0;
    if (by_fraction == by_count) throw DataError(what + ": give either a fraction or a count");
    if (by_fraction && !(p.fraction > 0.0 && p.fraction <= 1.0))
      throw DataError(what + ": fraction " + std::to_string(p.fraction) + " is not in (0, 1]");
    if (by_count && p.count < 0)
      throw DataError(what + ": count " + std::to_string(p.count) + " is negative");
    if (by_fraction)
      fraction_sum += p.fraction;
    else
      counted += p.count;
    const std::int64_t next = counted + std::llround(fraction_sum * static_cast<double>(n));
    if (next > n)
      throw DataError(what + ": the splits so far ask for " + std::to_string(next) +
                      " images, but the training set has " + std::to_string(n));
    if (next <= end)
      throw DataError(what + ": fraction " + std::to_string(p.fraction) + " of " +
                      std::to_string(n) + " images is empty");
    ends.push_back(next);
    out.names_.push_back(p.name);
    end = next;
  }

  // One seeded Fisher-Yates permutation; every portion is a disjoint slice of it.
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  Rng rng(derive_seed(seed, SeedPurpose::split));
  for (std::int64_t i = n - 1; i > 0; --i)
    std::swap(order[i], order[rng.below(static_cast<std::uint64_t>(i + 1))]);

  std::int64_t begin = 0;
  for (std::int64_t stop : ends) {
    std::vector<int> part(order.begin() + begin, order.begin() + stop);
    std::sort(part.begin(), part.end());  // memory order; loaders shuffle on their own
    out.indices_.push_back(std::move(part));
    begin = stop;
  }
  return out;
}

std::vector<int> random_subset(std::vector<int> indices, int count, std::uint64_t seed) {
  if (count <= 0 || static_cast<int>(indices.size()) <= count) return indices;
  Rng rng(seed ^ 0x7e57c0de5eedull);
  for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i)
    std::swap(indices[i], indices[i + rng.below(indices.size() - i)]);
  indices.resize(static_cast<std::size_t>(count));
  std::sort(indices.begin(), indices.end());
  return indices;
}

}  // namespace bitnas

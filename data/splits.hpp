#pragma once
// Named, disjoint portions of a training set (train/valid for training; supernet-train,
// controller and derive for search), carved from one seeded permutation of its images. The
// test set is its own Dataset and is never split: carve_splits refuses it.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.hpp"

namespace bitnas {

// Exactly one of fraction (of the whole training set, in (0, 1]) or count (> 0) is set.
struct SplitPortion {
  std::string name;
  double fraction = 0.0;
  int count = 0;

  static SplitPortion of_fraction(std::string name, double fraction) {
    return {std::move(name), fraction, 0};
  }
  static SplitPortion of_count(std::string name, int count) {
    return {std::move(name), 0.0, count};
  }
};

class DataSplits {
 public:
  // Image indices of portion `name`, ascending; throws DataError listing the names for an
  // unknown one.
  const std::vector<int>& indices(const std::string& name) const;
  bool has(const std::string& name) const;
  const std::vector<std::string>& names() const { return names_; }

 private:
  friend DataSplits carve_splits(const Dataset&, const std::vector<SplitPortion>&, std::uint64_t);
  std::vector<std::string> names_;
  std::vector<std::vector<int>> indices_;
};

// Portions are taken in order from a permutation of the training images drawn from `seed`.
// Fractions are rounded at cumulative boundaries, so fractions summing to 1 cover every image
// exactly once (0.5/0.5 of 7 images gives 4 and 3). Asking for more images than exist, an
// empty portion, duplicate names, or a test-split dataset is a DataError.
DataSplits carve_splits(const Dataset& train, const std::vector<SplitPortion>& portions,
                        std::uint64_t seed);

// `count` of `indices` drawn at random by `seed` (not the lowest-numbered ones, which follow
// whatever order the files have), in ascending order; all of them when count <= 0 or count
// >= their number.
std::vector<int> random_subset(std::vector<int> indices, int count, std::uint64_t seed);

}  // namespace bitnas

// Named portions of a training set: disjoint, of the asked sizes, covering the whole set when
// the fractions sum to 1, a function of the seed, and never carved from a test set.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "data/splits.hpp"
#include "tests/support/data_files.hpp"

namespace bitnas {
namespace {

using testing::data_error_of;

Dataset labels_only(int n, Split split = Split::train) {
  Dataset d = testing::random_dataset(n, 1, 1, 1, 10, 1);
  d.name = split == Split::train ? "toy/train" : "toy/test";
  d.split = split;
  return d;
}

TEST(Splits, DisjointCoveringAndDeterministic) {
  const Dataset d = labels_only(1000);
  const std::vector<SplitPortion> portions = {SplitPortion::of_fraction("supernet-train", 0.5),
                                              SplitPortion::of_fraction("controller", 0.3),
                                              SplitPortion::of_fraction("derive", 0.2)};
  const DataSplits a = carve_splits(d, portions, 42);
  EXPECT_EQ(a.names(), (std::vector<std::string>{"supernet-train", "controller", "derive"}));
  EXPECT_EQ(a.indices("supernet-train").size(), 500u);
  EXPECT_EQ(a.indices("controller").size(), 300u);
  EXPECT_EQ(a.indices("derive").size(), 200u);
  std::set<int> seen;
  for (const std::string& name : a.names()) {
    const std::vector<int>& part = a.indices(name);
    EXPECT_TRUE(std::is_sorted(part.begin(), part.end()));
    for (int i : part) {
      EXPECT_TRUE(seen.insert(i).second) << "image " << i << " in two splits";
      EXPECT_GE(i, 0);
      EXPECT_LT(i, 1000);
    }
  }
  EXPECT_EQ(seen.size(), 1000u);

  const DataSplits again = carve_splits(d, portions, 42);
  const DataSplits other = carve_splits(d, portions, 43);
  for (const std::string& name : a.names()) EXPECT_EQ(a.indices(name), again.indices(name));
  EXPECT_NE(a.indices("derive"), other.indices("derive"));
  // Not just the first images in order: the permutation is random.
  EXPECT_NE(a.indices("supernet-train").back(), 499);
}

TEST(Splits, FractionsRoundAtCumulativeBoundariesAndMixWithCounts) {
  const DataSplits halves =
      carve_splits(labels_only(7),
                   {SplitPortion::of_fraction("a", 0.5), SplitPortion::of_fraction("b", 0.5)}, 1);
  EXPECT_EQ(halves.indices("a").size(), 4u);
  EXPECT_EQ(halves.indices("b").size(), 3u);

  const DataSplits tv = carve_splits(
      labels_only(60000),
      {SplitPortion::of_fraction("train", 0.9), SplitPortion::of_fraction("valid", 0.1)}, 0);
  EXPECT_EQ(tv.indices("train").size(), 54000u);
  EXPECT_EQ(tv.indices("valid").size(), 6000u);

  // A count-given portion and a fraction of the whole set; the remaining 3 images stay unused.
  const DataSplits mixed =
      carve_splits(labels_only(10),
                   {SplitPortion::of_count("small", 2), SplitPortion::of_fraction("half", 0.5)}, 3);
  EXPECT_EQ(mixed.indices("small").size(), 2u);
  EXPECT_EQ(mixed.indices("half").size(), 5u);
  for (int i : mixed.indices("small"))
    EXPECT_EQ(std::count(mixed.indices("half").begin(), mixed.indices("half").end(), i), 0);
}

TEST(Splits, Errors) {
  const Dataset d = labels_only(10);
  using P = SplitPortion;
  EXPECT_EQ(
      data_error_of([&] {
        carve_splits(d, {P::of_fraction("a", 0.8), P::of_count("b", 3)}, 0);
      }),
      "toy/train: split 'b': the splits so far ask for 11 images, but the training set has 10");
  EXPECT_EQ(data_error_of([&] {
              carve_splits(d, {P::of_count("a", 1), P::of_count("a", 1)}, 0);
            }),
            "toy/train: split 'a' is given twice");
  EXPECT_EQ(data_error_of([&] {
              carve_splits(d, {P{"a", 0.5, 2}}, 0);
            }),
            "toy/train: split 'a': give either a fraction or a count");
  EXPECT_EQ(data_error_of([&] { carve_splits(d, {P::of_fraction("a", 1.5)}, 0); }),
            "toy/train: split 'a': fraction 1.500000 is not in (0, 1]");
  EXPECT_EQ(data_error_of([&] { carve_splits(d, {P::of_fraction("a", 0.01)}, 0); }),
            "toy/train: split 'a': fraction 0.010000 of 10 images is empty");
  EXPECT_EQ(data_error_of([&] { carve_splits(d, {P::of_count("", 1)}, 0); }),
            "toy/train: a data split needs a name");
  EXPECT_EQ(
      data_error_of([&] { carve_splits(labels_only(10, Split::test), {P::of_count("a", 1)}, 0); }),
      "toy/test: splits are carved from training data only; the test set stays whole and "
      "separate");
  const DataSplits s = carve_splits(d, {P::of_count("train", 8), P::of_count("valid", 2)}, 0);
  EXPECT_EQ(data_error_of([&] { s.indices("test"); }),
            "no data split named 'test' (have: train, valid)");
}

}  // namespace
}  // namespace bitnas

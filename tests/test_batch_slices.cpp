// map_batch_slices: slices cover the batch in order, each at most the slice size, and the
// results are stacked back in the same order.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "ops/core/batch_slices.hpp"

namespace bitnas {
namespace {

Tensor numbered(const Shape& shape) {
  Tensor t(shape);
  for (std::int64_t i = 0; i < t.numel(); ++i) t[i] = static_cast<float>(i);
  return t;
}

TEST(BatchSlices, StacksPerSliceResultsInOrder) {
  const Tensor batch = numbered({7, 2, 3, 1});
  std::vector<int> sizes;
  // Per image: the sum of its values and its first value, as a [n, 2] result.
  const Tensor out = map_batch_slices(batch, 3, [&](const Tensor& slice) {
    sizes.push_back(slice.dim(0));
    Tensor r({slice.dim(0), 2});
    for (int n = 0; n < slice.dim(0); ++n) {
      float sum = 0.0f;
      for (int k = 0; k < 6; ++k) sum += slice[n * 6 + k];
      r[n * 2] = sum;
      r[n * 2 + 1] = slice[n * 6];
    }
    return r;
  });
  EXPECT_EQ(sizes, (std::vector<int>{3, 3, 1}));
  ASSERT_EQ(out.shape(), (Shape{7, 2}));
  for (int n = 0; n < 7; ++n) {
    EXPECT_EQ(out[n * 2], static_cast<float>(36 * n + 15)) << n;
    EXPECT_EQ(out[n * 2 + 1], static_cast<float>(6 * n)) << n;
  }
}

TEST(BatchSlices, SmallBatchesRunWhole) {
  const Tensor batch = numbered({4, 3});
  int calls = 0;
  const Tensor out = map_batch_slices(batch, 4, [&](const Tensor& slice) {
    ++calls;
    return slice;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(out.shape(), batch.shape());
}

TEST(BatchSlices, RefusesResultsWithoutOneRowPerImage) {
  const Tensor batch = numbered({5, 3});
  EXPECT_THROW(map_batch_slices(batch, 2, [](const Tensor&) { return Tensor({1, 3}); }),
               std::logic_error);
  int call = 0;
  EXPECT_THROW(map_batch_slices(batch, 2,
                                [&](const Tensor& slice) {
                                  return Tensor({slice.dim(0), ++call == 1 ? 3 : 4});
                                }),
               std::logic_error);
  EXPECT_THROW(map_batch_slices(batch, 0, [](const Tensor& s) { return s; }),
               std::invalid_argument);
}

}  // namespace
}  // namespace bitnas

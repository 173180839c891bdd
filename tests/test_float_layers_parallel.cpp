// The row-parallel helpers the layers reduce with: a sum must not depend on the thread count.
#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cstring>
#include <vector>

#include "ops/layers/row_parallel.hpp"

namespace bitnas {
namespace {

std::vector<double> sums_with_threads(int threads, std::int64_t rows) {
  std::vector<double> result;
  tbb::task_arena arena(threads);
  arena.execute([&] {
    // 1e16 swallows a following +1 in double, so any change in how rows are grouped changes
    // the total: the test sees the partition, not just the arithmetic.
    result = column_sums(rows, 2, [](std::int64_t b, std::int64_t e, double* acc) {
      for (std::int64_t r = b; r < e; ++r) {
        acc[0] += r % 7 == 0 ? 1e16 : 1.0;
        acc[1] += r % 5 == 0 ? -1e16 : 3.0;
      }
    });
  });
  return result;
}

TEST(RowParallel, ColumnSumsIndependentOfThreadCount) {
  for (std::int64_t rows : {1, 100, 40000, 300001}) {
    const std::vector<double> one = sums_with_threads(1, rows), two = sums_with_threads(2, rows);
    ASSERT_EQ(one.size(), 2u);
    EXPECT_EQ(std::memcmp(one.data(), two.data(), sizeof(double) * 2), 0) << rows;
    EXPECT_EQ(one, sums_with_threads(2, rows)) << rows;  // and repeatable
  }
}

TEST(RowParallel, ColumnSumsAreExactOnIntegers) {
  const std::vector<double> s =
      column_sums(100000, 3, [](std::int64_t b, std::int64_t e, double* acc) {
        for (std::int64_t r = b; r < e; ++r) {
          acc[0] += 1.0;
          acc[1] += static_cast<double>(r);
          acc[2] -= 2.0;
        }
      });
  EXPECT_EQ(s, (std::vector<double>{100000.0, 4999950000.0, -200000.0}));
  EXPECT_EQ(column_sums(0, 2, [](std::int64_t, std::int64_t, double*) {}),
            (std::vector<double>{0.0, 0.0}));
}

TEST(RowParallel, RowBlocksCoverEveryRowOnce) {
  std::vector<int> hits(50000, 0);
  for_each_row_block(static_cast<std::int64_t>(hits.size()), 3,
                     [&](std::int64_t b, std::int64_t e) {
                       for (std::int64_t r = b; r < e; ++r) ++hits[static_cast<std::size_t>(r)];
                     });
  for (int h : hits) ASSERT_EQ(h, 1);
}

}  // namespace
}  // namespace bitnas

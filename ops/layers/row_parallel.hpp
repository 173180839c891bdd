#pragma once
// Parallel loops over a tensor seen as [rows, width] (NHWC: one row per pixel, width =
// channels). Elementwise work splits freely; per-column sums use a partition of the rows that
// depends only on the sizes, and add the partial sums in a fixed order, so a reduction gives
// the same bits for any thread count (the rule float_conv_backward follows for the batch).
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace bitnas {

// Rows per task so that one task touches about this many floats.
inline constexpr std::int64_t kRowBlockFloats = 16384;
inline constexpr std::int64_t kMaxSumChunks = 32;

// Calls fn(begin, end) on disjoint blocks of [0, rows), possibly in parallel.
template <typename Fn>
void for_each_row_block(std::int64_t rows, std::int64_t width, Fn&& fn) {
  if (rows <= 0) return;
  const std::int64_t grain =
      std::max<std::int64_t>(1, kRowBlockFloats / std::max<std::int64_t>(width, 1));
  tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, rows, grain),
                    [&](const tbb::blocked_range<std::int64_t>& r) { fn(r.begin(), r.end()); });
}

// Returns `width` column sums in double. add_rows(begin, end, acc) must add the contribution
// of rows [begin, end) to acc[0..width) serially, in row order.
template <typename AddRows>
std::vector<double> column_sums(std::int64_t rows, int width, AddRows&& add_rows) {
  std::vector<double> total(static_cast<std::size_t>(width), 0.0);
  if (rows <= 0) return total;
  const std::int64_t chunks = std::clamp<std::int64_t>(rows * std::max(width, 1) / kRowBlockFloats,
                                                       1, std::min(rows, kMaxSumChunks));
  std::vector<std::vector<double>> partial(static_cast<std::size_t>(chunks),
                                           std::vector<double>(total.size(), 0.0));
  tbb::parallel_for(std::int64_t{0}, chunks, [&](std::int64_t c) {
    add_rows(rows * c / chunks, rows * (c + 1) / chunks,
             partial[static_cast<std::size_t>(c)].data());
  });
  for (const auto& p : partial)
    for (std::size_t j = 0; j < total.size(); ++j) total[j] += p[j];
  return total;
}

}  // namespace bitnas

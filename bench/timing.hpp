#pragma once
// Timing helpers shared by the benchmark subcommands.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace bitnas::cli {

// Wall time of f(), in milliseconds.
template <typename F>
double milliseconds(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// Median of the samples (robust to the odd slow run on a shared machine).
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Peak resident set of the whole process so far (Linux reports ru_maxrss in KiB).
inline double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace bitnas::cli

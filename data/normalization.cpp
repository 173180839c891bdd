#include "data/normalization.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace bitnas {

void Normalization::check(int channels) const {
  if (static_cast<int>(mean.size()) != channels || static_cast<int>(stddev.size()) != channels)
    throw DataError("normalization: " + std::to_string(mean.size()) + " means and " +
                    std::to_string(stddev.size()) + " standard deviations for " +
                    std::to_string(channels) + "-channel images");
  for (int c = 0; c < channels; ++c) {
    if (!std::isfinite(mean[c]))
      throw DataError("normalization: mean of channel " + std::to_string(c) + " is not finite");
    if (!(std::isfinite(stddev[c]) && stddev[c] > 0.0f))
      throw DataError("normalization: standard deviation of channel " + std::to_string(c) + " is " +
                      std::to_string(stddev[c]) + "; it must be positive");
  }
}

std::vector<float> Normalization::lookup_table() const {
  std::vector<float> table(mean.size() * 256);
  for (std::size_t c = 0; c < mean.size(); ++c)
    for (int p = 0; p < 256; ++p)
      table[c * 256 + p] = apply(static_cast<std::uint8_t>(p), static_cast<int>(c));
  return table;
}

Normalization compute_normalization(const Dataset& d, const std::vector<int>& indices) {
  if (indices.empty()) throw DataError(d.name + ": cannot compute normalization over no images");
  const int channels = d.channels;
  // A histogram per channel: exact integer counts, so the statistics do not depend on the
  // order of the images, and the sums below are exact in uint64 for any dataset here.
  std::vector<std::uint64_t> histogram(static_cast<std::size_t>(channels) * 256, 0);
  const std::size_t pixels_per_image = static_cast<std::size_t>(d.height) * d.width;
  for (int i : indices) {
    if (i < 0 || i >= d.size())
      throw DataError(d.name + ": image index " + std::to_string(i) + " out of range (" +
                      std::to_string(d.size()) + " images)");
    const std::uint8_t* img = d.image(i);
    for (std::size_t p = 0; p < pixels_per_image; ++p)
      for (int c = 0; c < channels; ++c) ++histogram[c * 256 + img[p * channels + c]];
  }
  std::vector<std::uint64_t> sum(channels, 0), sum_sq(channels, 0);
  for (int c = 0; c < channels; ++c)
    for (std::uint64_t v = 0; v < 256; ++v) {
      sum[c] += v * histogram[c * 256 + v];
      sum_sq[c] += v * v * histogram[c * 256 + v];
    }
  const double n = static_cast<double>(indices.size()) * static_cast<double>(pixels_per_image);
  Normalization out;
  for (int c = 0; c < channels; ++c) {
    const double mean = static_cast<double>(sum[c]) / n;
    const double var = std::max(0.0, static_cast<double>(sum_sq[c]) / n - mean * mean);
    out.mean.push_back(static_cast<float>(mean / 255.0));
    out.stddev.push_back(static_cast<float>(std::sqrt(var) / 255.0));
  }
  for (int c = 0; c < channels; ++c)
    if (out.stddev[c] == 0.0f)
      throw DataError(d.name + ": channel " + std::to_string(c) +
                      " has the same value in every pixel, so it cannot be normalized by its "
                      "standard deviation; give the normalization explicitly");
  return out;
}

Normalization compute_normalization(const Dataset& d) {
  std::vector<int> all(static_cast<std::size_t>(d.size()));
  std::iota(all.begin(), all.end(), 0);
  return compute_normalization(d, all);
}

}  // namespace bitnas

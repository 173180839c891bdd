#pragma once
// Per-channel input normalization: x = (pixel / 255 - mean[c]) / stddev[c], with mean and
// stddev in units of pixel / 255 (as torchvision's Normalize after ToTensor).
#include <cstdint>
#include <vector>

#include "data/dataset.hpp"

namespace bitnas {

struct Normalization {
  std::vector<float> mean;    // one per channel
  std::vector<float> stddev;  // one per channel, > 0

  // Throws DataError unless there are `channels` finite means and positive finite stddevs.
  void check(int channels) const;
  float apply(std::uint8_t pixel, int channel) const {
    return (static_cast<float>(pixel) / 255.0f - mean[channel]) / stddev[channel];
  }
  // apply() for every (channel, pixel) pair: entry [c * 256 + pixel], so the batch loader
  // converts a pixel with one load and every path gives the same bits.
  std::vector<float> lookup_table() const;
};

// Mean and population standard deviation per channel over the images `indices` of `dataset`
// (normally the training portion only, so validation data does not shape the inputs). Sums
// are exact integers, so the result does not depend on the order of the images.
Normalization compute_normalization(const Dataset& dataset, const std::vector<int>& indices);
// Over every image of `dataset`.
Normalization compute_normalization(const Dataset& dataset);

}  // namespace bitnas

#pragma once
// A small learnable data set in Fashion-MNIST's files (IDX, gzip) for end-to-end tests of
// training and search: class c (0..3) is a bright 3x3 patch in quadrant c of a noisy 8x8 image,
// separable, but only by looking at where the patch is. 480 training and 120 test images.
#include "ops/core/random.hpp"
#include "tests/support/data_files.hpp"

namespace bitnas::testing {

inline void write_quadrant_dataset(const TempDir& dir) {
  Rng rng(11);
  auto make = [&](int n, const std::string& prefix) {
    Bytes pixels, labels;
    for (int i = 0; i < n; ++i) {
      const int c = i % 4;
      for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) {
          const bool patch = (y / 4 == c / 2) && (x / 4 == c % 2) && y % 4 < 3 && x % 4 < 3;
          pixels.push_back(static_cast<std::uint8_t>(patch ? 200 + rng.below(56) : rng.below(80)));
        }
      labels.push_back(static_cast<std::uint8_t>(c));
    }
    write_gzip(dir.file(prefix + "-images-idx3-ubyte.gz"), idx_images(n, 8, 8, pixels));
    write_gzip(dir.file(prefix + "-labels-idx1-ubyte.gz"), idx_labels(labels));
  };
  make(480, "train");
  make(120, "t10k");
}

}  // namespace bitnas::testing

#pragma once
// The IDX format of MNIST and Fashion-MNIST: a big-endian header (magic 0x00000803 for uint8
// images with 3 dimensions, 0x00000801 for uint8 labels with 1) followed by the raw bytes.
// Files may be plain or gzip-compressed; zlib reads both the same way.
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.hpp"

namespace bitnas {

inline constexpr std::uint32_t kIdxImagesMagic = 0x00000803;
inline constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;

struct IdxImages {
  int count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count * rows * cols, row-major
};

// Throw DataError naming `path` for a missing file, a wrong magic number, or data shorter or
// longer than the header promises.
IdxImages read_idx_images(const std::string& path);
// Only the header of an images file: count, rows and cols, no pixels.
IdxImages read_idx_images_header(const std::string& path);
std::vector<std::uint8_t> read_idx_labels(const std::string& path);

// An images file and its labels file as one single-channel Dataset; also throws when the two
// counts differ or a label is >= num_classes.
Dataset read_idx_dataset(const std::string& images_path, const std::string& labels_path,
                         int num_classes, const std::string& name, Split split);

}  // namespace bitnas

#pragma once
// An image classification dataset held in memory as the files store it: uint8 pixels, NHWC.
// Conversion to float happens per batch (batch_loader), so 60,000 Fashion-MNIST images take
// 47 MB instead of 188 MB.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace bitnas {

// Every data error (missing file, bad header, truncated data, bad label) is one of these; the
// message names the file and says what is wrong.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Which file set a dataset came from. Splits (splits.hpp) are carved from `train` only, so
// the test set never leaks into training or search.
enum class Split { train, test };
const char* split_name(Split split);

struct Dataset {
  std::string name;  // e.g. "fashion-mnist/train"
  Split split = Split::train;
  int height = 0, width = 0, channels = 0, num_classes = 0;
  std::vector<std::uint8_t> pixels;  // size() * height * width * channels, NHWC
  std::vector<std::uint16_t> labels;

  int size() const { return static_cast<int>(labels.size()); }
  std::size_t image_bytes() const {
    return static_cast<std::size_t>(height) * static_cast<std::size_t>(width) *
           static_cast<std::size_t>(channels);
  }
  const std::uint8_t* image(int i) const { return pixels.data() + image_bytes() * i; }
};

// Throws DataError unless the pixel count matches size() and every label is < num_classes.
void check_dataset(const Dataset& dataset);

// Number of images of each class, num_classes entries.
std::vector<int> label_histogram(const Dataset& dataset);

}  // namespace bitnas

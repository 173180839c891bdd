#include "data/dataset.hpp"

namespace bitnas {

const char* split_name(Split split) { return split == Split::train ? "train" : "test"; }

void check_dataset(const Dataset& d) {
  if (d.height <= 0 || d.width <= 0 || d.channels <= 0 || d.num_classes <= 0)
    throw DataError(d.name + ": image shape " + std::to_string(d.height) + "x" +
                    std::to_string(d.width) + "x" + std::to_string(d.channels) + " with " +
                    std::to_string(d.num_classes) + " classes is not a valid dataset");
  if (d.pixels.size() != d.image_bytes() * d.labels.size())
    throw DataError(d.name + ": " + std::to_string(d.pixels.size()) + " pixel bytes for " +
                    std::to_string(d.labels.size()) + " labels of " +
                    std::to_string(d.image_bytes()) + "-byte images");
  for (std::size_t i = 0; i < d.labels.size(); ++i)
    if (d.labels[i] >= d.num_classes)
      throw DataError(d.name + ": label " + std::to_string(d.labels[i]) + " of image " +
                      std::to_string(i) + " is out of range (" + std::to_string(d.num_classes) +
                      " classes)");
}

std::vector<int> label_histogram(const Dataset& d) {
  std::vector<int> counts(static_cast<std::size_t>(d.num_classes), 0);
  for (std::uint16_t label : d.labels)
    if (label < counts.size()) ++counts[label];
  return counts;
}

}  // namespace bitnas

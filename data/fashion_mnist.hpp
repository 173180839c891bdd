#pragma once
// Fashion-MNIST (60,000 train / 10,000 test images, 28x28x1, 10 classes) from the IDX files
// that the Debian package dataset-fashion-mnist installs.
#include <string>

#include "data/dataset.hpp"

namespace bitnas {

inline constexpr const char* kFashionMnistDefaultDir = "/usr/share/datasets/fashion-mnist";

// Reads {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz from `dir` (an uncompressed file of
// the same name without .gz is accepted too). A missing directory is an error that says how
// to install the package or where to point the data directory.
Dataset load_fashion_mnist(const std::string& dir, Split split);

}  // namespace bitnas

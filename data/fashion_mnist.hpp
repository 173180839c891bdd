#pragma once
// Fashion-MNIST (60,000 train / 10,000 test images, 28x28x1, 10 classes) from the IDX files
// that the Debian package dataset-fashion-mnist installs.
#include <string>

#include "data/dataset.hpp"

namespace bitnas {

inline constexpr const char* kFashionMnistDefaultDir = "/usr/share/datasets/fashion-mnist";
inline constexpr int kFashionMnistSide = 28;

// Reads {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz from `dir` (an uncompressed file of
// the same name without .gz is accepted too). A missing directory is an error that says how
// to install the package or where to point the data directory. Images of another size than
// 28x28 are refused: they are some other data set.
Dataset load_fashion_mnist(const std::string& dir, Split split);

// The same files, of any image size and 10 classes: a data set in Fashion-MNIST's format
// (dataset `idx`, e.g. MNIST). Errors name the file.
Dataset load_idx_directory(const std::string& dir, Split split);
// The path of the training images file load_idx_directory reads.
std::string idx_directory_train_images(const std::string& dir);

}  // namespace bitnas

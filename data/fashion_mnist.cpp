#include "data/fashion_mnist.hpp"

#include <filesystem>

#include "data/idx_reader.hpp"

namespace bitnas {
namespace {

// The packaged files are gzip-compressed; users who gunzipped their own copy keep the name
// without .gz. Returns the .gz path when neither exists so the error names the expected file.
std::string locate(const std::filesystem::path& dir, const std::string& base) {
  const std::filesystem::path gz = dir / (base + ".gz");
  const std::filesystem::path plain = dir / base;
  std::error_code ec;
  if (!std::filesystem::exists(gz, ec) && std::filesystem::exists(plain, ec)) return plain.string();
  return gz.string();
}

void require_directory(const std::string& dir, const std::string& what) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return;
  throw DataError(dir + ": " + what +
                  " directory not found; install the Debian package dataset-fashion-mnist "
                  "(scripts/install-deps.sh does), or set the data directory to a folder holding "
                  "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                  "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz");
}

std::string file_prefix(Split split) { return split == Split::train ? "train" : "t10k"; }

std::string images_file(const std::string& dir, Split split) {
  return locate(dir, file_prefix(split) + "-images-idx3-ubyte");
}

Dataset read_split(const std::string& dir, Split split, const std::string& name) {
  return read_idx_dataset(images_file(dir, split),
                          locate(dir, file_prefix(split) + "-labels-idx1-ubyte"), 10,
                          name + "/" + split_name(split), split);
}

}  // namespace

std::string idx_directory_train_images(const std::string& dir) {
  return images_file(dir, Split::train);
}

Dataset load_idx_directory(const std::string& dir, Split split) {
  require_directory(dir, "IDX data");
  return read_split(dir, split, "idx");
}

Dataset load_fashion_mnist(const std::string& dir, Split split) {
  require_directory(dir, "Fashion-MNIST");
  Dataset d = read_split(dir, split, "fashion-mnist");
  // Every Fashion-MNIST image is 28x28; another size is another data set under this name.
  if (d.height != kFashionMnistSide || d.width != kFashionMnistSide)
    throw DataError(images_file(dir, split) + ": images are " + std::to_string(d.height) + "x" +
                    std::to_string(d.width) + ", but Fashion-MNIST images are " +
                    std::to_string(kFashionMnistSide) + "x" + std::to_string(kFashionMnistSide) +
                    "; for IDX files of another data set use dataset: idx");
  return d;
}

}  // namespace bitnas

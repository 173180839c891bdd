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

}  // namespace

Dataset load_fashion_mnist(const std::string& dir, Split split) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw DataError(dir +
                    ": Fashion-MNIST directory not found; install the Debian package "
                    "dataset-fashion-mnist (scripts/install-deps.sh does), or set the "
                    "data directory to a folder holding train-images-idx3-ubyte.gz, "
                    "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and "
                    "t10k-labels-idx1-ubyte.gz");
  const std::string prefix = split == Split::train ? "train" : "t10k";
  return read_idx_dataset(locate(dir, prefix + "-images-idx3-ubyte"),
                          locate(dir, prefix + "-labels-idx1-ubyte"), 10,
                          std::string("fashion-mnist/") + split_name(split), split);
}

}  // namespace bitnas

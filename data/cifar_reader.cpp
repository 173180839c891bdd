#include "data/cifar_reader.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "ops/core/regular_file.hpp"

namespace bitnas {
namespace {

const char* variant_name(CifarVariant v) {
  return v == CifarVariant::cifar10 ? "CIFAR-10" : "CIFAR-100";
}

void require_directory(const std::string& dir, CifarVariant v) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return;
  const bool ten = v == CifarVariant::cifar10;
  const std::string archive = ten ? "cifar-10-binary.tar.gz" : "cifar-100-binary.tar.gz";
  const std::string folder = ten ? "cifar-10-batches-bin" : "cifar-100-binary";
  throw DataError(dir + ": " + variant_name(v) + " directory not found; download " + archive +
                  " (the binary version, https://www.cs.toronto.edu/~kriz/cifar.html), extract "
                  "it and set the data directory to its " + folder + " folder");
}

void require_regular_file(const std::string& path) {
  if (const auto why = not_a_regular_file(path))
    throw DataError(path + ": " + *why);
}

std::vector<char> read_file(const std::string& path) {
  require_regular_file(path);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw DataError(path + ": cannot read the size (" + ec.message() + ")");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open (" + std::strerror(errno) + ")");
  std::vector<char> bytes(static_cast<std::size_t>(size));
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
    throw DataError(path + ": read failed after " + std::to_string(in.gcount()) + " of " +
                    std::to_string(size) + " bytes");
  return bytes;
}

}  // namespace

int cifar_record_bytes(CifarVariant v) {
  return (v == CifarVariant::cifar10 ? 1 : 2) + kCifarPixelBytes;
}
int cifar_num_classes(CifarVariant v) { return v == CifarVariant::cifar10 ? 10 : 100; }

Dataset read_cifar_files(const std::vector<std::string>& paths, CifarVariant variant,
                         const std::string& name, Split split) {
  constexpr int side = kCifarImageSide, plane = side * side;
  const int label_bytes = variant == CifarVariant::cifar10 ? 1 : 2;
  const std::size_t record = static_cast<std::size_t>(cifar_record_bytes(variant));
  const int classes = cifar_num_classes(variant);
  Dataset d;
  d.name = name;
  d.split = split;
  d.height = d.width = side;
  d.channels = 3;
  d.num_classes = classes;
  // Report a missing batch before spending time reading the ones before it.
  for (const std::string& path : paths) require_regular_file(path);
  for (const std::string& path : paths) {
    const std::vector<char> bytes = read_file(path);
    if (bytes.empty() || bytes.size() % record != 0)
      throw DataError(path + ": " + std::to_string(bytes.size()) +
                      " bytes is not a whole number of " + variant_name(variant) + " records (" +
                      std::to_string(record) +
                      " bytes each); the file is truncated or of the other CIFAR variant");
    const std::size_t count = bytes.size() / record;
    const std::size_t first = d.labels.size();
    d.labels.resize(first + count);
    d.pixels.resize((first + count) * kCifarPixelBytes);
    for (std::size_t r = 0; r < count; ++r) {
      const auto* rec = reinterpret_cast<const std::uint8_t*>(bytes.data() + r * record);
      // CIFAR-100 stores the coarse label first; checking it too catches files of the wrong
      // variant whose sizes happen to divide evenly.
      if (variant == CifarVariant::cifar100 && rec[0] >= 20)
        throw DataError(path + ": coarse label " + std::to_string(rec[0]) + " of record " +
                        std::to_string(r) + " is out of range (20 superclasses)");
      const int label = rec[label_bytes - 1];
      if (label >= classes)
        throw DataError(path + ": label " + std::to_string(label) + " of record " +
                        std::to_string(r) + " is out of range (" + std::to_string(classes) +
                        " classes: 0.." + std::to_string(classes - 1) + ")");
      d.labels[first + r] = static_cast<std::uint16_t>(label);
      const std::uint8_t* planes = rec + label_bytes;
      std::uint8_t* out = d.pixels.data() + (first + r) * kCifarPixelBytes;
      for (int p = 0; p < plane; ++p)
        for (int c = 0; c < 3; ++c) out[p * 3 + c] = planes[c * plane + p];
    }
  }
  return d;
}

Dataset load_cifar10(const std::string& dir, Split split) {
  require_directory(dir, CifarVariant::cifar10);
  const std::filesystem::path root(dir);
  std::vector<std::string> paths;
  if (split == Split::train)
    for (int i = 1; i <= 5; ++i)
      paths.push_back((root / ("data_batch_" + std::to_string(i) + ".bin")).string());
  else
    paths.push_back((root / "test_batch.bin").string());
  return read_cifar_files(paths, CifarVariant::cifar10, std::string("cifar10/") + split_name(split),
                          split);
}

Dataset load_cifar100(const std::string& dir, Split split) {
  require_directory(dir, CifarVariant::cifar100);
  const std::filesystem::path file =
      std::filesystem::path(dir) / (split == Split::train ? "train.bin" : "test.bin");
  return read_cifar_files({file.string()}, CifarVariant::cifar100,
                          std::string("cifar100/") + split_name(split), split);
}

}  // namespace bitnas

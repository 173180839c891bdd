#pragma once
// Files and datasets shared by the data pipeline tests: a temporary directory removed after
// the test, writers for IDX (plain and gzip) and CIFAR records, and a small in-memory dataset.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "ops/core/random.hpp"

namespace bitnas::testing {

using Bytes = std::vector<std::uint8_t>;

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("bitnas_data_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

inline void write_plain(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline void write_gzip(const std::string& path, const Bytes& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

inline Bytes read_plain(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void append_u32_be(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

inline Bytes idx_images(int count, int rows, int cols, const Bytes& pixels) {
  Bytes out;
  append_u32_be(out, 0x00000803);
  append_u32_be(out, static_cast<std::uint32_t>(count));
  append_u32_be(out, static_cast<std::uint32_t>(rows));
  append_u32_be(out, static_cast<std::uint32_t>(cols));
  out.insert(out.end(), pixels.begin(), pixels.end());
  return out;
}

inline Bytes idx_labels(const Bytes& labels) {
  Bytes out;
  append_u32_be(out, 0x00000801);
  append_u32_be(out, static_cast<std::uint32_t>(labels.size()));
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

inline Bytes random_bytes(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng.below(256));
  return out;
}

// The message of the DataError `f` throws, or "no error".
inline std::string data_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

inline bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

// n random images of h x w x c with labels i % classes.
inline Dataset random_dataset(int n, int h, int w, int c, int classes, std::uint64_t seed) {
  Dataset d;
  d.name = "random/train";
  d.height = h;
  d.width = w;
  d.channels = c;
  d.num_classes = classes;
  d.pixels = random_bytes(static_cast<std::size_t>(n) * h * w * c, seed);
  for (int i = 0; i < n; ++i) d.labels.push_back(static_cast<std::uint16_t>(i % classes));
  return d;
}

}  // namespace bitnas::testing

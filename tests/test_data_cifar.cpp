// CIFAR-10 / CIFAR-100 binary files written here and read back: R, G, B planes become NHWC,
// batches concatenate in order, CIFAR-100 uses the fine label, and broken files are named.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/cifar_reader.hpp"
#include "tests/support/data_files.hpp"

namespace bitnas {
namespace {

using testing::Bytes;
using testing::data_error_of;
using testing::TempDir;

// A value that differs for every (image, channel, row, column) of a small test set.
std::uint8_t pixel_value(int image, int c, int h, int w) {
  return static_cast<std::uint8_t>(image * 53 + c * 101 + h * 7 + w * 3);
}

// Records for images first..first+count-1; label_bytes holds each record's label byte(s).
Bytes cifar_records(int first, const std::vector<Bytes>& label_bytes) {
  Bytes out;
  for (std::size_t r = 0; r < label_bytes.size(); ++r) {
    out.insert(out.end(), label_bytes[r].begin(), label_bytes[r].end());
    for (int c = 0; c < 3; ++c)
      for (int h = 0; h < 32; ++h)
        for (int w = 0; w < 32; ++w)
          out.push_back(pixel_value(first + static_cast<int>(r), c, h, w));
  }
  return out;
}

void expect_pixels(const Dataset& d) {
  for (int n = 0; n < d.size(); ++n)
    for (int h = 0; h < 32; ++h)
      for (int w = 0; w < 32; ++w)
        for (int c = 0; c < 3; ++c)
          ASSERT_EQ(d.image(n)[(h * 32 + w) * 3 + c], pixel_value(n, c, h, w))
              << "image " << n << " at " << h << "," << w << "," << c;
}

void write_cifar10(const TempDir& dir) {
  // Batches of 1, 2, 1, 1, 1 records, then a test batch of 2.
  const std::vector<int> sizes = {1, 2, 1, 1, 1};
  int first = 0;
  for (int b = 0; b < 5; ++b) {
    std::vector<Bytes> labels;
    for (int i = 0; i < sizes[b]; ++i)
      labels.push_back({static_cast<std::uint8_t>((first + i) % 10)});
    testing::write_plain(dir.file("data_batch_" + std::to_string(b + 1) + ".bin"),
                         cifar_records(first, labels));
    first += sizes[b];
  }
  testing::write_plain(dir.file("test_batch.bin"), cifar_records(0, {{9}, {0}}));
}

TEST(CifarReader, Cifar10PlanesBecomeNhwcAndBatchesConcatenate) {
  TempDir dir;
  write_cifar10(dir);
  const Dataset train = load_cifar10(dir.path(), Split::train);
  EXPECT_EQ(train.name, "cifar10/train");
  EXPECT_EQ(train.split, Split::train);
  EXPECT_EQ(train.size(), 6);
  EXPECT_EQ(train.height, 32);
  EXPECT_EQ(train.width, 32);
  EXPECT_EQ(train.channels, 3);
  EXPECT_EQ(train.num_classes, 10);
  EXPECT_EQ(train.labels, (std::vector<std::uint16_t>{0, 1, 2, 3, 4, 5}));
  expect_pixels(train);

  const Dataset test = load_cifar10(dir.path(), Split::test);
  EXPECT_EQ(test.split, Split::test);
  EXPECT_EQ(test.labels, (std::vector<std::uint16_t>{9, 0}));
  expect_pixels(test);
}

TEST(CifarReader, Cifar100UsesTheFineLabel) {
  TempDir dir;
  testing::write_plain(dir.file("train.bin"), cifar_records(0, {{3, 42}, {19, 99}, {0, 0}}));
  testing::write_plain(dir.file("test.bin"), cifar_records(0, {{5, 7}}));
  const Dataset train = load_cifar100(dir.path(), Split::train);
  EXPECT_EQ(train.name, "cifar100/train");
  EXPECT_EQ(train.num_classes, 100);
  EXPECT_EQ(train.labels, (std::vector<std::uint16_t>{42, 99, 0}));
  expect_pixels(train);
  EXPECT_EQ(load_cifar100(dir.path(), Split::test).labels, (std::vector<std::uint16_t>{7}));
}

TEST(CifarReader, MissingDirectoryAndFile) {
  const std::string message =
      data_error_of([] { load_cifar10("/nonexistent/cifar", Split::train); });
  EXPECT_TRUE(testing::starts_with(message, "/nonexistent/cifar: CIFAR-10 directory not found"))
      << message;
  EXPECT_NE(message.find("cifar-10-batches-bin"), std::string::npos) << message;

  TempDir dir;
  write_cifar10(dir);
  std::filesystem::remove(dir.file("data_batch_3.bin"));
  EXPECT_EQ(data_error_of([&] { load_cifar10(dir.path(), Split::train); }),
            dir.file("data_batch_3.bin") + ": does not exist");
  EXPECT_EQ(data_error_of([&] { load_cifar100(dir.path(), Split::test); }),
            dir.file("test.bin") + ": does not exist");
}

TEST(CifarReader, TruncatedFileOrWrongVariant) {
  TempDir dir;
  Bytes records = cifar_records(0, {{1}, {2}});
  records.pop_back();
  const std::string path = dir.file("short.bin");
  testing::write_plain(path, records);
  EXPECT_EQ(
      data_error_of([&] { read_cifar_files({path}, CifarVariant::cifar10, "c", Split::train); }),
      path + ": 6145 bytes is not a whole number of CIFAR-10 records (3073 bytes each); the "
             "file is truncated or of the other CIFAR variant");
  // Two whole CIFAR-10 records are not a whole number of CIFAR-100 records.
  const std::string ten = dir.file("ten.bin");
  testing::write_plain(ten, cifar_records(0, {{1}, {2}}));
  const std::string message =
      data_error_of([&] { read_cifar_files({ten}, CifarVariant::cifar100, "c", Split::train); });
  EXPECT_TRUE(testing::starts_with(message, ten + ": 6146 bytes is not a whole number of CIFAR-100 "
                                                  "records (3074 bytes each)"))
      << message;
  const std::string empty = dir.file("empty.bin");
  testing::write_plain(empty, {});
  EXPECT_TRUE(testing::starts_with(
      data_error_of([&] { read_cifar_files({empty}, CifarVariant::cifar10, "c", Split::train); }),
      empty + ": 0 bytes is not a whole number"));
}

TEST(CifarReader, LabelOutOfRange) {
  TempDir dir;
  const std::string ten = dir.file("ten.bin"), hundred = dir.file("hundred.bin"),
                    coarse = dir.file("coarse.bin");
  testing::write_plain(ten, cifar_records(0, {{9}, {10}}));
  testing::write_plain(hundred, cifar_records(0, {{1, 100}}));
  testing::write_plain(coarse, cifar_records(0, {{1, 1}, {20, 1}}));
  EXPECT_EQ(
      data_error_of([&] { read_cifar_files({ten}, CifarVariant::cifar10, "c", Split::train); }),
      ten + ": label 10 of record 1 is out of range (10 classes: 0..9)");
  EXPECT_EQ(data_error_of(
                [&] { read_cifar_files({hundred}, CifarVariant::cifar100, "c", Split::train); }),
            hundred + ": label 100 of record 0 is out of range (100 classes: 0..99)");
  EXPECT_EQ(
      data_error_of([&] { read_cifar_files({coarse}, CifarVariant::cifar100, "c", Split::train); }),
      coarse + ": coarse label 20 of record 1 is out of range (20 superclasses)");
}

}  // namespace
}  // namespace bitnas

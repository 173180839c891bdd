// IDX reading (plain and gzip) and Fashion-MNIST loading: exact round trips through files
// written here, every kind of broken file giving a message that names it, and the packaged
// dataset's sizes when it is installed.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/fashion_mnist.hpp"
#include "data/idx_reader.hpp"
#include "tests/support/data_files.hpp"

namespace bitnas {
namespace {

using testing::Bytes;
using testing::data_error_of;
using testing::TempDir;

TEST(IdxReader, ReadsPlainAndGzipFilesExactly) {
  TempDir dir;
  const Bytes pixels = testing::random_bytes(3 * 2 * 5, 11);
  const Bytes labels = {7, 0, 9};
  for (bool gz : {false, true}) {
    const std::string images_path = dir.file(gz ? "img.gz" : "img");
    const std::string labels_path = dir.file(gz ? "lab.gz" : "lab");
    auto write = gz ? testing::write_gzip : testing::write_plain;
    write(images_path, testing::idx_images(3, 2, 5, pixels));
    write(labels_path, testing::idx_labels(labels));

    const IdxImages images = read_idx_images(images_path);
    EXPECT_EQ(images.count, 3);
    EXPECT_EQ(images.rows, 2);
    EXPECT_EQ(images.cols, 5);
    EXPECT_EQ(images.pixels, pixels);
    EXPECT_EQ(read_idx_labels(labels_path), labels);

    const Dataset d = read_idx_dataset(images_path, labels_path, 10, "tiny/test", Split::test);
    EXPECT_EQ(d.name, "tiny/test");
    EXPECT_EQ(d.split, Split::test);
    EXPECT_EQ(d.size(), 3);
    EXPECT_EQ(d.height, 2);
    EXPECT_EQ(d.width, 5);
    EXPECT_EQ(d.channels, 1);
    EXPECT_EQ(d.num_classes, 10);
    EXPECT_EQ(d.pixels, pixels);
    EXPECT_EQ(d.labels, (std::vector<std::uint16_t>{7, 0, 9}));
    EXPECT_EQ(d.image(1)[0], pixels[10]);
  }
}

TEST(IdxReader, MissingFile) {
  TempDir dir;
  const std::string path = dir.file("absent-images-idx3-ubyte.gz");
  EXPECT_EQ(data_error_of([&] { read_idx_images(path); }), path + ": does not exist");
  EXPECT_EQ(data_error_of([&] { read_idx_labels(path); }), path + ": does not exist");
}

TEST(IdxReader, WrongMagicNamesBothNumbers) {
  TempDir dir;
  const std::string path = dir.file("swapped.gz");
  testing::write_gzip(path, testing::idx_labels({1, 2}));
  EXPECT_EQ(data_error_of([&] { read_idx_images(path); }),
            path + ": wrong magic number 0x00000801, expected 0x00000803 (IDX uint8 "
                   "images, 3 dimensions); this looks like an IDX labels file");
  const std::string text = dir.file("text");
  testing::write_plain(text, Bytes{'h', 'e', 'l', 'l', 'o', '\n', 0, 0, 0, 0});
  EXPECT_EQ(data_error_of([&] { read_idx_labels(text); }),
            text + ": wrong magic number 0x68656C6C, expected 0x00000801 (IDX uint8 "
                   "labels, 1 dimension)");
}

TEST(IdxReader, TruncatedPlainFile) {
  TempDir dir;
  const std::string path = dir.file("short");
  Bytes bytes = testing::idx_images(3, 2, 4, testing::random_bytes(24, 1));
  bytes.resize(bytes.size() - 4);
  testing::write_plain(path, bytes);
  EXPECT_EQ(data_error_of([&] { read_idx_images(path); }),
            path + ": truncated: the header promises 3 images of 2x4 (24 bytes) but only 20 of "
                   "them are present");

  const std::string header = dir.file("header");
  testing::write_plain(header, Bytes{0, 0, 8, 1, 0, 0});
  EXPECT_EQ(data_error_of([&] { read_idx_labels(header); }),
            header + ": truncated IDX header: the file ends before the label count "
                     "(8-byte header)");
}

TEST(IdxReader, TruncatedGzipFile) {
  TempDir dir;
  const std::string full = dir.file("full.gz"), cut = dir.file("cut.gz");
  testing::write_gzip(full, testing::idx_images(40, 10, 10, testing::random_bytes(4000, 2)));
  Bytes compressed = testing::read_plain(full);
  compressed.resize(compressed.size() / 2);
  testing::write_plain(cut, compressed);
  const std::string message = data_error_of([&] { read_idx_images(cut); });
  EXPECT_TRUE(testing::starts_with(
      message, cut + ": truncated: the header promises 40 images of 10x10 (4000 bytes) but only "))
      << message;
  EXPECT_NE(message.find("(unexpected end of file)"), std::string::npos) << message;
}

TEST(IdxReader, CorruptGzipFile) {
  TempDir dir;
  const std::string path = dir.file("corrupt.gz");
  testing::write_gzip(path, testing::idx_labels(Bytes(3000, 4)));
  Bytes compressed = testing::read_plain(path);
  // Damage the CRC-32 in the gzip trailer: the data decompresses but fails its check.
  compressed[compressed.size() - 8] ^= 0xFF;
  testing::write_plain(path, compressed);
  EXPECT_EQ(data_error_of([&] { read_idx_labels(path); }),
            path + ": cannot decompress (incorrect data check)");
}

TEST(IdxReader, MoreDataThanTheHeaderPromises) {
  TempDir dir;
  const std::string path = dir.file("long");
  Bytes bytes = testing::idx_labels({1, 2, 3});
  bytes.push_back(4);
  testing::write_plain(path, bytes);
  EXPECT_EQ(data_error_of([&] { read_idx_labels(path); }),
            path + ": more data than the header promises (3 labels); is this the right file?");
}

TEST(IdxReader, CountMismatchNamesBothFiles) {
  TempDir dir;
  const std::string images = dir.file("i"), labels = dir.file("l");
  testing::write_plain(images, testing::idx_images(3, 1, 1, {1, 2, 3}));
  testing::write_plain(labels, testing::idx_labels({0, 1}));
  EXPECT_EQ(data_error_of([&] { read_idx_dataset(images, labels, 10, "x", Split::train); }),
            labels + ": 2 labels, but " + images + " holds 3 images");
}

TEST(IdxReader, LabelOutOfRange) {
  TempDir dir;
  const std::string images = dir.file("i"), labels = dir.file("l");
  testing::write_plain(images, testing::idx_images(3, 1, 1, {1, 2, 3}));
  testing::write_plain(labels, testing::idx_labels({0, 9, 10}));
  EXPECT_EQ(data_error_of([&] { read_idx_dataset(images, labels, 10, "x", Split::train); }),
            labels + ": label 10 at index 2 is out of range (10 classes: 0..9)");
}

TEST(FashionMnist, MissingDirectorySaysHowToInstall) {
  const std::string dir = "/nonexistent/fashion-mnist";
  const std::string message = data_error_of([&] { load_fashion_mnist(dir, Split::train); });
  EXPECT_TRUE(testing::starts_with(message, dir + ": Fashion-MNIST directory not found"))
      << message;
  EXPECT_NE(message.find("install the Debian package dataset-fashion-mnist"), std::string::npos);
  EXPECT_NE(message.find("scripts/install-deps.sh"), std::string::npos);
  EXPECT_NE(message.find("set the data directory"), std::string::npos);
}

TEST(FashionMnist, LoadsPackageFileNamesGzipOrPlain) {
  TempDir dir;
  const Bytes train_pixels = testing::random_bytes(4 * 28 * 28, 3);
  const Bytes test_pixels = testing::random_bytes(2 * 28 * 28, 4);
  testing::write_gzip(dir.file("train-images-idx3-ubyte.gz"),
                      testing::idx_images(4, 28, 28, train_pixels));
  testing::write_gzip(dir.file("train-labels-idx1-ubyte.gz"), testing::idx_labels({3, 1, 4, 1}));
  // An unpacked copy of the test files is found under the name without .gz.
  testing::write_plain(dir.file("t10k-images-idx3-ubyte"),
                       testing::idx_images(2, 28, 28, test_pixels));
  testing::write_plain(dir.file("t10k-labels-idx1-ubyte"), testing::idx_labels({5, 9}));

  const Dataset train = load_fashion_mnist(dir.path(), Split::train);
  EXPECT_EQ(train.name, "fashion-mnist/train");
  EXPECT_EQ(train.split, Split::train);
  EXPECT_EQ(train.pixels, train_pixels);
  EXPECT_EQ(train.labels, (std::vector<std::uint16_t>{3, 1, 4, 1}));
  const Dataset test = load_fashion_mnist(dir.path(), Split::test);
  EXPECT_EQ(test.name, "fashion-mnist/test");
  EXPECT_EQ(test.split, Split::test);
  EXPECT_EQ(test.pixels, test_pixels);
  EXPECT_EQ(test.num_classes, 10);

  std::filesystem::remove(dir.file("train-labels-idx1-ubyte.gz"));
  EXPECT_EQ(data_error_of([&] { load_fashion_mnist(dir.path(), Split::train); }),
            dir.file("train-labels-idx1-ubyte.gz") + ": does not exist");
}

TEST(FashionMnist, PackagedDatasetHasFullSizesAndBalancedClasses) {
  if (!std::filesystem::is_directory(kFashionMnistDefaultDir))
    GTEST_SKIP() << kFashionMnistDefaultDir << " absent (Debian package dataset-fashion-mnist)";
  for (Split split : {Split::train, Split::test}) {
    const Dataset d = load_fashion_mnist(kFashionMnistDefaultDir, split);
    const int expected = split == Split::train ? 60000 : 10000;
    EXPECT_EQ(d.size(), expected);
    EXPECT_EQ(d.height, 28);
    EXPECT_EQ(d.width, 28);
    EXPECT_EQ(d.channels, 1);
    EXPECT_EQ(d.pixels.size(), static_cast<std::size_t>(expected) * 784);
    EXPECT_EQ(label_histogram(d), std::vector<int>(10, expected / 10));
  }
}

}  // namespace
}  // namespace bitnas

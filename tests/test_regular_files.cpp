// Configs, data files, checkpoints and databases are opened only when they are regular files:
// a FIFO would block forever, a directory or /dev/zero would fail obscurely or never end.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "data/cifar_reader.hpp"
#include "data/idx_reader.hpp"
#include "nas/genotype_file.hpp"
#include "ops/core/regular_file.hpp"
#include "storage/checkpoint.hpp"
#include "storage/sqlite_connection.hpp"
#include "search_spaces/yaml_reader.hpp"
#include "tests/support/data_files.hpp"
#include "tests/support/error_text.hpp"

namespace bitnas {
namespace {

using testing::error_of;

class RegularFiles : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0); }
  testing::TempDir dir_;
  const std::string fifo_ = dir_.file("fifo");
};

TEST_F(RegularFiles, KindsAreNamed) {
  EXPECT_EQ(not_a_regular_file(fifo_), "is a FIFO (named pipe), not a regular file");
  EXPECT_EQ(not_a_regular_file(dir_.path()), "is a directory, not a regular file");
  EXPECT_EQ(not_a_regular_file("/dev/zero"), "is a character device, not a regular file");
  EXPECT_EQ(not_a_regular_file(dir_.file("absent")), "does not exist");
  testing::write_plain(dir_.file("plain"), {1, 2});
  EXPECT_EQ(not_a_regular_file(dir_.file("plain")), std::nullopt);
  EXPECT_EQ(existing_non_regular_file(dir_.file("absent")), std::nullopt);
  EXPECT_EQ(existing_non_regular_file(fifo_), not_a_regular_file(fifo_));
}

TEST_F(RegularFiles, ConfigFromFifoDirectoryOrDevice) {
  EXPECT_EQ(error_of([&] { ConfigSection::load_file(fifo_); }),
            fifo_ + ": cannot read the config file: it is a FIFO (named pipe), not a regular file");
  EXPECT_EQ(error_of([] { ConfigSection::load_file("/dev/zero"); }),
            "/dev/zero: cannot read the config file: it is a character device, not a regular file");
  EXPECT_EQ(error_of([&] { cli::read_genotype_file(fifo_, 1); }),
            fifo_ + ": cannot read the genotype file: it is a FIFO (named pipe), not a regular file");
}

TEST_F(RegularFiles, ConfigLargerThanTheLimit) {
  const std::string big = dir_.file("big.yaml");
  testing::write_plain(big, testing::Bytes(kMaxConfigBytes + 1, 'a'));
  EXPECT_EQ(error_of([&] { read_config_file(big); }),
            big + ": the config file is larger than 1 MiB; is this the right file?");
}

TEST_F(RegularFiles, DataFiles) {
  EXPECT_EQ(testing::data_error_of([&] { read_idx_images(fifo_); }),
            fifo_ + ": is a FIFO (named pipe), not a regular file");
  EXPECT_EQ(testing::data_error_of([&] {
              read_cifar_files({fifo_}, CifarVariant::cifar10, "c", Split::train);
            }),
            fifo_ + ": is a FIFO (named pipe), not a regular file");
}

TEST_F(RegularFiles, CheckpointAndDatabase) {
  EXPECT_EQ(error_of([&] { load_checkpoint(fifo_); }),
            "checkpoint '" + fifo_ + "': is a FIFO (named pipe), not a regular file");
  EXPECT_EQ(error_of([&] {
              SqliteConnection db(fifo_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            }),
            "cannot open database '" + fifo_ + "': it is a FIFO (named pipe), not a regular file");
  EXPECT_EQ(error_of([&] {
              SqliteConnection db(dir_.path(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            }),
            "cannot open database '" + dir_.path() + "': it is a directory, not a regular file");
  EXPECT_EQ(error_of([&] {
              SqliteConnection db(dir_.file("new.db"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            }),
            "no error");
}

}  // namespace
}  // namespace bitnas

// Checkpoint files: exact round trips, the documented byte layout, refusal of damaged files
// with the intended message, atomic replacement, and restoring module state (with the
// mark_modified bump that makes binary layers repack their weights).
#include <gtest/gtest.h>
#include <zlib.h>

#include <bit>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/core/random.hpp"
#include "ops/layers/batch_norm.hpp"
#include "ops/layers/binary_conv2d.hpp"
#include "ops/layers/linear.hpp"
#include "storage/atomic_file.hpp"
#include "storage/checkpoint.hpp"
#include "storage/module_state.hpp"
#include "tests/support/data_files.hpp"
#include "tests/support/error_text.hpp"  // TempDir, read_plain, write_plain

namespace bitnas {
namespace {

using testing::contains;
using testing::error_of;

using testing::Bytes;
using testing::TempDir;

Tensor tensor_of(Shape shape, std::initializer_list<float> values) {
  return Tensor(std::move(shape), values);
}

// Values whose bits a lossy or text round trip would change: -0, infinities, a NaN with a
// payload, a denormal, the extremes. Model weights must be finite (a checkpoint with NaN
// weights is refused), so the non-finite values sit in the optimizer state.
Checkpoint tricky_checkpoint() {
  Checkpoint cp;
  cp.tensors["conv.weight"] = tensor_of({2, 1, 1, 3}, {1.0f, -0.0f, 0.1f, -3.5e-39f,
                                                       std::numeric_limits<float>::lowest(),
                                                       std::numeric_limits<float>::max()});
  cp.tensors["bn.running_var"] = tensor_of({3}, {1.0f, 2.0f, 3.0f});
  cp.tensors["scalar"] = Tensor(Shape{}, 7.0f);  // rank 0, one value
  cp.tensors["empty"] = Tensor();                // rank 0, no values
  cp.tensors["zero_dim"] = Tensor({0, 4});
  Tensor nan({3});
  nan[0] = std::bit_cast<float>(0x7fc12345u);
  nan[1] = -std::numeric_limits<float>::infinity();
  nan[2] = std::numeric_limits<float>::infinity();
  cp.optimizer["0.0.exp_avg"] = nan;
  cp.optimizer["step"] = tensor_of({1}, {42.0f});
  cp.strings["rng"] = Rng(5).state();
  cp.strings["config"] = "a: 1\nb: [2, 3]\n";
  cp.strings["binary"] = std::string("\0\xff\x01zero", 7);
  cp.strings["empty"] = "";
  cp.epoch = 17;
  cp.step = -(std::int64_t{1} << 40);
  return cp;
}

// One entry of each kind, so the byte-by-byte tests below stay small and fast.
Checkpoint small_checkpoint() {
  Checkpoint cp;
  cp.tensors["w"] = tensor_of({2, 2}, {1.0f, -1.0f, 0.5f, 2.0f});
  cp.tensors["empty"] = Tensor();
  cp.optimizer["0.0.momentum"] = tensor_of({1}, {0.25f});
  cp.strings["rng"] = "123 456";
  cp.epoch = 2;
  cp.step = 300;
  return cp;
}

void expect_same_tensors(const std::map<std::string, Tensor>& a,
                         const std::map<std::string, Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, t] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    const Tensor& u = b.at(name);
    EXPECT_EQ(t.shape(), u.shape()) << name;
    ASSERT_EQ(t.numel(), u.numel()) << name;
    // memcmp on an empty tensor's null data() is undefined (UBSan reports it).
    if (t.numel() > 0) {
      EXPECT_EQ(0, std::memcmp(t.data(), u.data(), static_cast<std::size_t>(t.numel()) * 4))
          << name;
    }
  }
}

TEST(CheckpointFile, RoundTripIsBitExact) {
  TempDir dir;
  const std::string path = dir.file("run.ckpt");
  const Checkpoint saved = tricky_checkpoint();
  save_checkpoint(path, saved);
  const Checkpoint loaded = load_checkpoint(path);
  expect_same_tensors(saved.tensors, loaded.tensors);
  expect_same_tensors(saved.optimizer, loaded.optimizer);
  EXPECT_EQ(saved.strings, loaded.strings);
  EXPECT_EQ(saved.epoch, loaded.epoch);
  EXPECT_EQ(saved.step, loaded.step);
  EXPECT_TRUE(loaded.tensors.at("empty").empty());
  EXPECT_EQ(loaded.tensors.at("scalar").numel(), 1);

  Rng restored;
  restored.set_state(loaded.strings.at("rng"));
  EXPECT_EQ(restored.next_u64(), Rng(5).next_u64());
}

TEST(CheckpointFile, SaveReportsSizeAndTrailerChecksum) {
  TempDir dir;
  const auto path = dir.file("a.ckpt");
  const SavedCheckpoint saved = save_checkpoint(path, tricky_checkpoint());
  const Bytes bytes = testing::read_plain(path);
  ASSERT_EQ(saved.bytes, bytes.size());
  const std::size_t body = bytes.size() - 4;
  EXPECT_EQ(saved.crc32, ::crc32_z(0, bytes.data(), body));
  std::uint32_t trailer = 0;
  for (int i = 0; i < 4; ++i) trailer |= std::uint32_t{bytes[body + i]} << (8 * i);
  EXPECT_EQ(saved.crc32, trailer);
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", saved.crc32);
  EXPECT_EQ(saved.checksum(), std::string("crc32:") + hex);
  // Same checkpoint, same bytes: maps are written in key order.
  save_checkpoint(dir.file("b.ckpt"), tricky_checkpoint());
  EXPECT_EQ(bytes, testing::read_plain(dir.file("b.ckpt")));
}

// The layout of docs/CHECKPOINTS.md, byte by byte. If this fails, the format changed: bump
// kCheckpointFormatVersion and keep reading the old version.
TEST(CheckpointFile, LayoutIsVersionOneLittleEndian) {
  Checkpoint cp;
  cp.tensors["w"] = tensor_of({2}, {1.0f, -2.0f});
  cp.strings["k"] = "v";
  cp.epoch = 3;
  cp.step = -1;
  TempDir dir;
  save_checkpoint(dir.file("x.ckpt"), cp);

  Bytes want;
  auto le = [&](std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) want.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  auto text = [&](const std::string& s) { want.insert(want.end(), s.begin(), s.end()); };
  text("BITNASCK");
  le(1, 4);                       // format version
  le(158, 8);                     // file size
  le(3, 8);                       // epoch
  le(~std::uint64_t{0}, 8);       // step -1
  le(3, 4);                       // sections
  le(7, 4), text("tensors"), le(33, 8);
  le(1, 4), le(1, 4), text("w"), le(1, 4), le(2, 4), le(2, 8);
  le(0x3f800000, 4), le(0xc0000000, 4);  // 1.0f, -2.0f
  le(9, 4), text("optimizer"), le(4, 8), le(0, 4);
  le(7, 4), text("strings"), le(18, 8);
  le(1, 4), le(1, 4), text("k"), le(1, 8), text("v");
  le(::crc32_z(0, want.data(), want.size()), 4);
  EXPECT_EQ(testing::read_plain(dir.file("x.ckpt")), want);
}

TEST(CheckpointFile, MissingFileIsNamed) {
  TempDir dir;
  const std::string path = dir.file("nope.ckpt");
  const std::string msg = error_of([&] { load_checkpoint(path); });
  EXPECT_TRUE(contains(msg, "checkpoint '" + path + "'")) << msg;
  EXPECT_TRUE(contains(msg, "does not exist")) << msg;
}

TEST(CheckpointFile, OtherFilesAreNotCheckpoints) {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  const std::string text = "epoch 3: loss 0.25, this is not a checkpoint at all";
  testing::write_plain(path, Bytes(text.begin(), text.end()));
  const std::string msg = error_of([&] { load_checkpoint(path); });
  EXPECT_TRUE(contains(msg, path)) << msg;
  EXPECT_TRUE(contains(msg, "not a BitNAS checkpoint")) << msg;

  testing::write_plain(path, {});
  EXPECT_TRUE(contains(error_of([&] { load_checkpoint(path); }), "not a BitNAS checkpoint"));
}

TEST(CheckpointFile, EveryFlippedByteIsRefused) {
  TempDir dir;
  const std::string path = dir.file("c.ckpt");
  save_checkpoint(path, small_checkpoint());
  const Bytes good = testing::read_plain(path);
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0xff;
    testing::write_plain(path, bad);
    const std::string msg = error_of([&] { load_checkpoint(path); });
    ASSERT_NE(msg, "no error") << "byte " << i;
    EXPECT_TRUE(contains(msg, path)) << msg;
    // Past magic, version and size, only the checksum can notice.
    if (i >= 20) {
      EXPECT_TRUE(contains(msg, "corrupt: checksum mismatch")) << "byte " << i << ": " << msg;
    }
  }
}

TEST(CheckpointFile, EveryTruncationIsRefusedAsTruncated) {
  TempDir dir;
  const std::string path = dir.file("t.ckpt");
  save_checkpoint(path, small_checkpoint());
  const Bytes good = testing::read_plain(path);
  for (std::size_t n = 1; n < good.size(); ++n) {
    testing::write_plain(path, Bytes(good.begin(), good.begin() + static_cast<long>(n)));
    const std::string msg = error_of([&] { load_checkpoint(path); });
    EXPECT_TRUE(contains(msg, path + "': truncated")) << n << " bytes: " << msg;
  }
}

TEST(CheckpointFile, NewerFormatVersionIsRefused) {
  TempDir dir;
  const std::string path = dir.file("v.ckpt");
  save_checkpoint(path, tricky_checkpoint());
  Bytes bytes = testing::read_plain(path);
  bytes[8] = static_cast<std::uint8_t>(kCheckpointFormatVersion + 1);
  testing::write_plain(path, bytes);
  const std::string msg = error_of([&] { load_checkpoint(path); });
  EXPECT_TRUE(contains(msg, "format version " + std::to_string(kCheckpointFormatVersion + 1) +
                                " is newer")) << msg;
}

TEST(CheckpointFile, SavingIntoMissingDirectoryNamesTheFile) {
  TempDir dir;
  const std::string path = dir.file("missing/dir/x.ckpt");
  const std::string msg = error_of([&] { save_checkpoint(path, Checkpoint{}); });
  EXPECT_TRUE(contains(msg, path)) << msg;
  EXPECT_TRUE(contains(msg, "No such file or directory")) << msg;
}

TEST(AtomicFileWriter, WriterThatThrowsMidwayLeavesOldFileIntact) {
  TempDir dir;
  const std::string path = dir.file("run.ckpt");
  Checkpoint old_cp = tricky_checkpoint();
  save_checkpoint(path, old_cp);
  const Bytes old_bytes = testing::read_plain(path);

  std::filesystem::path temp;
  EXPECT_THROW(
      {
        AtomicFileWriter writer(path);
        temp = writer.temp_path();
        EXPECT_EQ(temp.parent_path(), std::filesystem::path(path).parent_path());
        writer.write(old_bytes.data(), old_bytes.size() / 2);
        throw std::runtime_error("simulated failure halfway through the write");
      },
      std::runtime_error);

  EXPECT_EQ(testing::read_plain(path), old_bytes);
  EXPECT_EQ(load_checkpoint(path).epoch, old_cp.epoch);
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(AtomicFileWriter, CommitReplacesTheTarget) {
  TempDir dir;
  const std::string path = dir.file("f.bin");
  testing::write_plain(path, Bytes{1, 2, 3, 4, 5, 6});
  AtomicFileWriter writer(path);
  const Bytes fresh{9, 8};
  writer.write(fresh.data(), fresh.size());
  EXPECT_EQ(testing::read_plain(path), (Bytes{1, 2, 3, 4, 5, 6}));  // not yet
  writer.commit();
  EXPECT_EQ(testing::read_plain(path), fresh);
  EXPECT_FALSE(std::filesystem::exists(writer.temp_path()));
}

// A 2-layer model; different seeds give different weights.
struct SmallNet {
  Sequential net;
  BinaryConv2d* conv;
  explicit SmallNet(std::uint64_t seed) {
    Rng rng(seed);
    conv = &net.emplace<BinaryConv2d>(4, 6, BinaryConv2dOptions{}, rng);
    net.emplace<BatchNorm>(6);
    for (auto& b : net.buffers()) fill_uniform(*b.tensor, rng, 0.5f, 1.5f);
  }
};

Tensor random_input(std::uint64_t seed) {
  Rng rng(seed);
  Tensor x({2, 5, 5, 4});
  fill_uniform(x, rng, -1.0f, 1.0f);
  return x;
}

TEST(CheckpointModuleState, RestoreMakesBinaryLayersRepackTheirWeights) {
  SmallNet source(1), target(2);
  const Tensor x = random_input(3);
  const Tensor want = source.net.forward(x, Mode::eval);
  target.net.forward(x, Mode::eval);  // packs target's own weights
  const std::uint64_t packs = target.conv->weight_pack_count();

  std::map<std::string, std::uint64_t> versions;
  for (auto& p : target.net.parameters()) versions[p.name] = p.param->version;
  restore_module_state(target.net, capture_module_state(source.net));
  for (auto& p : target.net.parameters()) EXPECT_EQ(p.param->version, versions[p.name] + 1) << p.name;

  const Tensor got = target.net.forward(x, Mode::eval);
  EXPECT_EQ(target.conv->weight_pack_count(), packs + 1);
  ASSERT_TRUE(got.same_shape(want));
  for (std::int64_t i = 0; i < want.numel(); ++i) ASSERT_EQ(got[i], want[i]) << i;
}

TEST(CheckpointModuleState, StateSurvivesACheckpointFile) {
  SmallNet source(4), target(5);
  Checkpoint cp;
  cp.tensors = capture_module_state(source.net);
  TempDir dir;
  save_checkpoint(dir.file("m.ckpt"), cp);
  restore_module_state(target.net, load_checkpoint(dir.file("m.ckpt")).tensors);
  expect_same_tensors(capture_module_state(target.net), cp.tensors);
}

// Each mismatch is refused, named, and leaves the model untouched.
void expect_refused(std::map<std::string, Tensor> state, const std::string& expected) {
  SmallNet target(7);
  const auto before = capture_module_state(target.net);
  std::map<std::string, std::uint64_t> versions;
  for (auto& p : target.net.parameters()) versions[p.name] = p.param->version;
  std::string msg;
  try {
    restore_module_state(target.net, state);
    msg = "no error";
  } catch (const std::invalid_argument& e) {
    msg = e.what();
  }
  EXPECT_TRUE(contains(msg, expected)) << msg;
  expect_same_tensors(capture_module_state(target.net), before);
  for (auto& p : target.net.parameters()) EXPECT_EQ(p.param->version, versions[p.name]);
}

TEST(CheckpointModuleState, MismatchesAreRefusedByName) {
  SmallNet source(6);
  const auto good = capture_module_state(source.net);
  ASSERT_TRUE(good.count("0.weight") && good.count("1.running_mean"));

  auto missing = good;
  missing.erase("1.running_mean");
  expect_refused(missing, "tensor '1.running_mean' of the model is missing from the state");

  auto extra = good;
  extra["2.weight"] = Tensor({1});
  expect_refused(extra, "tensor '2.weight' of the state does not exist in the model");

  auto misshaped = good;
  misshaped["0.weight"] = Tensor({6, 3, 3, 5});
  expect_refused(misshaped,
                 "tensor '0.weight' has shape [6, 3, 3, 5] in the state but [6, 3, 3, 4] in the model");

  auto several = misshaped;
  several.erase("1.running_mean");
  expect_refused(several, "(and 1 more differences)");
}

}  // namespace
}  // namespace bitnas

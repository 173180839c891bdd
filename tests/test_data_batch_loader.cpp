// The batch loader: contents and batch boundaries, per-epoch shuffles that are permutations
// and depend on (seed, epoch) only, seek equal to iterating, and identical output with one
// and two TBB threads.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <numeric>

#include "data/batch_loader.hpp"
#include "tests/support/data_files.hpp"

namespace bitnas {
namespace {

using testing::data_error_of;

std::vector<int> iota_indices(int n, int start = 0) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), start);
  return v;
}

std::vector<Batch> whole_epoch(BatchLoader& loader) {
  std::vector<Batch> out;
  Batch b;
  while (loader.next(b)) out.push_back(b);
  return out;
}

void expect_same_batch(const Batch& a, const Batch& b) {
  EXPECT_EQ(a.epoch, b.epoch);
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.labels, b.labels);
  ASSERT_EQ(a.images.shape(), b.images.shape());
  EXPECT_TRUE(
      std::equal(a.images.values().begin(), a.images.values().end(), b.images.values().begin()))
      << "epoch " << a.epoch << " batch " << a.index;
}

LoaderOptions augmenting_options(std::uint64_t seed) {
  LoaderOptions o;
  o.batch_size = 16;
  o.shuffle = true;
  o.augmentation = {true, 2, true};
  o.normalization = Normalization{{0.4f, 0.5f, 0.6f}, {0.2f, 0.25f, 0.3f}};
  o.seed = seed;
  return o;
}

TEST(BatchLoader, UnshuffledBatchesHoldTheImagesInOrder) {
  const Dataset d = testing::random_dataset(12, 3, 2, 2, 5, 8);
  LoaderOptions o;
  o.batch_size = 4;
  o.shuffle = false;
  // Images 2..11: batches of 4, 4 and 2.
  BatchLoader loader(d, iota_indices(10, 2), o);
  EXPECT_EQ(loader.num_batches(), 3);
  EXPECT_EQ(loader.num_images(), 10);
  const std::vector<Batch> batches = whole_epoch(loader);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[2].images.shape(), (Shape{2, 3, 2, 2}));
  int image = 2;
  for (const Batch& b : batches) {
    EXPECT_EQ(b.epoch, 0);
    EXPECT_EQ(b.index, &b - batches.data());
    for (int n = 0; n < b.images.dim(0); ++n, ++image) {
      EXPECT_EQ(b.labels[n], image % 5);
      for (int k = 0; k < 12; ++k)
        EXPECT_EQ(b.images[n * 12 + k], d.image(image)[k] / 255.0f) << "image " << image;
    }
  }
  EXPECT_EQ(image, 12);
  Batch after;
  EXPECT_FALSE(loader.next(after));

  o.drop_last = true;
  BatchLoader dropping(d, iota_indices(10, 2), o);
  EXPECT_EQ(dropping.num_batches(), 2);
  EXPECT_EQ(whole_epoch(dropping).size(), 2u);
}

TEST(BatchLoader, AppliesEachImagesOwnAugmentationThenNormalization) {
  const Dataset d = testing::random_dataset(20, 5, 5, 3, 10, 9);
  const LoaderOptions o = augmenting_options(77);
  BatchLoader loader(d, iota_indices(20), o);
  loader.seek(3, 0);
  const std::size_t bytes = d.image_bytes();
  std::vector<std::uint8_t> expected(bytes);
  for (const Batch& b : whole_epoch(loader))
    for (int n = 0; n < b.images.dim(0); ++n) {
      const int index = loader.epoch_order()[b.index * 16 + n];
      EXPECT_EQ(b.labels[n], d.labels[index]);
      augment_image(d.image(index), 5, 5, 3, 2, draw_augmentation(o.augmentation, 77, 3, index),
                    expected.data());
      for (std::size_t k = 0; k < bytes; ++k)
        ASSERT_EQ(b.images[n * static_cast<std::int64_t>(bytes) + k],
                  o.normalization->apply(expected[k], static_cast<int>(k % 3)));
    }
}

TEST(BatchLoader, ShuffleIsAPermutationDependingOnSeedAndEpochOnly) {
  const Dataset d = testing::random_dataset(200, 1, 1, 1, 10, 1);
  const std::vector<int> indices = iota_indices(100, 50);
  LoaderOptions o;
  o.seed = 5;
  BatchLoader a(d, indices, o), b(d, indices, o);
  a.start_epoch(2);
  b.start_epoch(7);
  b.start_epoch(2);  // an earlier epoch leaves no trace
  EXPECT_EQ(a.epoch_order(), b.epoch_order());
  std::vector<int> sorted = a.epoch_order();
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, indices);
  EXPECT_NE(a.epoch_order(), indices);

  const std::vector<int> epoch2 = a.epoch_order();
  a.start_epoch(3);
  EXPECT_NE(a.epoch_order(), epoch2);
  o.seed = 6;
  BatchLoader c(d, indices, o);
  c.start_epoch(2);
  EXPECT_NE(c.epoch_order(), epoch2);
  o.shuffle = false;
  BatchLoader in_order(d, indices, o);
  in_order.start_epoch(2);
  EXPECT_EQ(in_order.epoch_order(), indices);
}

TEST(BatchLoader, SeekEqualsIteratingFromTheStart) {
  const Dataset d = testing::random_dataset(70, 4, 4, 3, 10, 2);
  const LoaderOptions o = augmenting_options(3);
  BatchLoader through(d, iota_indices(70), o);
  std::vector<std::vector<Batch>> epochs;
  for (int e = 0; e < 3; ++e) {
    through.start_epoch(e);
    epochs.push_back(whole_epoch(through));
    ASSERT_EQ(epochs.back().size(), 5u);
  }
  for (int e = 0; e < 3; ++e)
    for (int k = 0; k <= 5; ++k) {
      BatchLoader resumed(d, iota_indices(70), o);
      resumed.seek(e, k);
      EXPECT_EQ(resumed.epoch(), e);
      EXPECT_EQ(resumed.next_batch_index(), k);
      const std::vector<Batch> rest = whole_epoch(resumed);
      ASSERT_EQ(rest.size(), static_cast<std::size_t>(5 - k));
      for (std::size_t i = 0; i < rest.size(); ++i) expect_same_batch(rest[i], epochs[e][k + i]);
    }
  // Epochs really differ: the same image is augmented differently.
  EXPECT_NE(epochs[0][0].labels, epochs[1][0].labels);
}

TEST(BatchLoader, SameOutputWithOneAndTwoThreads) {
  const Dataset d = testing::random_dataset(300, 8, 8, 3, 10, 4);
  LoaderOptions o = augmenting_options(11);
  o.batch_size = 128;
  auto run = [&](int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    BatchLoader loader(d, iota_indices(300), o);
    loader.seek(1, 0);
    return whole_epoch(loader);
  };
  const std::vector<Batch> one = run(1), two = run(2);
  ASSERT_EQ(one.size(), 3u);
  ASSERT_EQ(two.size(), 3u);
  for (std::size_t i = 0; i < one.size(); ++i) expect_same_batch(one[i], two[i]);
}

TEST(BatchLoader, Errors) {
  const Dataset d = testing::random_dataset(10, 2, 2, 1, 3, 4);
  LoaderOptions o;
  o.batch_size = 0;
  EXPECT_EQ(data_error_of([&] { BatchLoader(d, iota_indices(10), o); }),
            "random/train: batch size 0 must be positive");
  o.batch_size = 4;
  EXPECT_EQ(data_error_of([&] {
              BatchLoader(d, {0, 10}, o);
            }),
            "random/train: image index 10 out of range (10 images)");
  o.normalization = Normalization{{0.5f, 0.5f}, {0.2f, 0.2f}};
  EXPECT_EQ(data_error_of([&] { BatchLoader(d, iota_indices(10), o); }),
            "normalization: 2 means and 2 standard deviations for 1-channel images");
  o.normalization.reset();
  BatchLoader loader(d, iota_indices(10), o);
  EXPECT_EQ(data_error_of([&] { loader.seek(0, 4); }),
            "BatchLoader: cannot seek to batch 4; an epoch has 3 batches");
  EXPECT_EQ(data_error_of([&] { loader.start_epoch(-1); }), "BatchLoader: epoch -1 is negative");
  Dataset bad = d;
  bad.labels[3] = 3;
  EXPECT_EQ(data_error_of([&] { BatchLoader(bad, iota_indices(10), o); }),
            "random/train: label 3 of image 3 is out of range (3 classes)");
}

}  // namespace
}  // namespace bitnas

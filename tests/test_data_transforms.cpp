// Normalization statistics and arithmetic, and augmentation: crop and flip on hand-made
// images, and draws that depend on (seed, epoch, image index) only.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "data/augmentation.hpp"
#include "data/normalization.hpp"
#include "tests/support/data_files.hpp"

namespace bitnas {
namespace {

using testing::Bytes;
using testing::data_error_of;

// Two 1x2 images with 2 channels: channel 0 is {0, 255, 0, 255}, channel 1 {51, 51, 102, 102}.
Dataset two_channel_dataset() {
  Dataset d;
  d.name = "hand/train";
  d.height = 1;
  d.width = 2;
  d.channels = 2;
  d.num_classes = 2;
  d.pixels = {0, 51, 255, 51, 0, 102, 255, 102};
  d.labels = {0, 1};
  return d;
}

TEST(Normalization, ComputesPerChannelMeanAndPopulationStd) {
  const Normalization n = compute_normalization(two_channel_dataset());
  ASSERT_EQ(n.mean.size(), 2u);
  EXPECT_FLOAT_EQ(n.mean[0], 0.5f);
  EXPECT_FLOAT_EQ(n.stddev[0], 0.5f);
  EXPECT_FLOAT_EQ(n.mean[1], 0.3f);    // 76.5 / 255
  EXPECT_FLOAT_EQ(n.stddev[1], 0.1f);  // 25.5 / 255
  EXPECT_FLOAT_EQ(n.apply(255, 0), 1.0f);
  EXPECT_FLOAT_EQ(n.apply(0, 0), -1.0f);
  EXPECT_FLOAT_EQ(n.apply(102, 1), 1.0f);

  // Statistics over a subset: image 1 only, whose channel 1 is changed to {102, 0}.
  Dataset d = two_channel_dataset();
  d.pixels[7] = 0;
  const Normalization one = compute_normalization(d, {1});
  EXPECT_FLOAT_EQ(one.mean[1], 51.0f / 255.0f);
  EXPECT_FLOAT_EQ(one.stddev[1], 51.0f / 255.0f);
}

TEST(Normalization, LookupTableEqualsApply) {
  const Normalization n{{0.25f, 0.5f}, {0.2f, 0.3f}};
  const std::vector<float> table = n.lookup_table();
  ASSERT_EQ(table.size(), 512u);
  for (int c = 0; c < 2; ++c)
    for (int p = 0; p < 256; ++p) {
      EXPECT_EQ(table[c * 256 + p], n.apply(static_cast<std::uint8_t>(p), c));
      EXPECT_NEAR(table[c * 256 + p], (p / 255.0 - n.mean[c]) / n.stddev[c], 1e-5);
    }
}

TEST(Normalization, IndependentOfImageOrder) {
  const Dataset d = testing::random_dataset(50, 4, 4, 3, 10, 5);
  std::vector<int> forward(50), backward(50);
  for (int i = 0; i < 50; ++i) forward[i] = i, backward[i] = 49 - i;
  const Normalization a = compute_normalization(d, forward), b = compute_normalization(d, backward);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.stddev, b.stddev);
  // Uniform bytes: mean near 127.5/255, std near 73.9/255.
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(a.mean[c], 0.5, 0.05);
    EXPECT_NEAR(a.stddev[c], 0.29, 0.03);
  }
}

TEST(Normalization, Errors) {
  Dataset d = two_channel_dataset();
  d.pixels = {7, 51, 7, 51, 7, 102, 7, 102};
  EXPECT_EQ(data_error_of([&] { compute_normalization(d); }),
            "hand/train: channel 0 has the same value in every pixel, so it cannot be "
            "normalized by its standard deviation; give the normalization explicitly");
  EXPECT_EQ(data_error_of([&] { compute_normalization(d, {2}); }),
            "hand/train: image index 2 out of range (2 images)");
  EXPECT_EQ(data_error_of([] {
              Normalization{{0.5f}, {0.5f}}.check(3);
            }),
            "normalization: 1 means and 1 standard deviations for 3-channel images");
  EXPECT_EQ(data_error_of([] {
              Normalization{{0.5f}, {0.0f}}.check(1);
            }),
            "normalization: standard deviation of channel 0 is 0.000000; it must be positive");
}

// 3x3 single-channel image with values 1..9, row-major.
const Bytes kNine = {1, 2, 3, 4, 5, 6, 7, 8, 9};

Bytes augmented(const Bytes& src, int h, int w, int c, int pad, AugmentationChoice choice) {
  Bytes out(src.size(), 0xAA);
  augment_image(src.data(), h, w, c, pad, choice, out.data());
  return out;
}

TEST(Augmentation, CropAndFlipOnHandMadeImage) {
  EXPECT_EQ(augmented(kNine, 3, 3, 1, 1, {1, 1, false}), kNine);
  // Offsets 0, 0 shift the image down-right, with zero padding entering top and left.
  EXPECT_EQ(augmented(kNine, 3, 3, 1, 1, {0, 0, false}), (Bytes{0, 0, 0, 0, 1, 2, 0, 4, 5}));
  EXPECT_EQ(augmented(kNine, 3, 3, 1, 1, {2, 2, false}), (Bytes{5, 6, 0, 8, 9, 0, 0, 0, 0}));
  EXPECT_EQ(augmented(kNine, 3, 3, 1, 1, {1, 1, true}), (Bytes{3, 2, 1, 6, 5, 4, 9, 8, 7}));
  // Crop first (one row down, one column left), then mirror the crop.
  EXPECT_EQ(augmented(kNine, 3, 3, 1, 1, {2, 0, true}), (Bytes{5, 4, 0, 8, 7, 0, 0, 0, 0}));
  // Padding larger than the image gives an all-zero crop at the corner.
  EXPECT_EQ(augmented(kNine, 3, 3, 1, 4, {0, 0, false}), Bytes(9, 0));
  // Channels move together: a 1x2 image with 2 channels, flipped.
  EXPECT_EQ(augmented({1, 2, 3, 4}, 1, 2, 2, 0, {0, 0, true}), (Bytes{3, 4, 1, 2}));
}

TEST(Augmentation, DrawDependsOnSeedEpochAndIndexOnly) {
  const AugmentationOptions both{true, 2, true};
  auto same = [](AugmentationChoice a, AugmentationChoice b) {
    return a.offset_y == b.offset_y && a.offset_x == b.offset_x && a.flip == b.flip;
  };
  int epoch_differs = 0, seed_differs = 0, flips = 0;
  std::set<int> offsets;
  for (int i = 0; i < 2000; ++i) {
    const AugmentationChoice c = draw_augmentation(both, 9, 3, i);
    EXPECT_TRUE(same(c, draw_augmentation(both, 9, 3, i)));
    epoch_differs += !same(c, draw_augmentation(both, 9, 4, i));
    seed_differs += !same(c, draw_augmentation(both, 10, 3, i));
    flips += c.flip;
    offsets.insert(c.offset_y);
    offsets.insert(c.offset_x);
  }
  // 50 outcomes: two draws agree with probability 1/50.
  EXPECT_GT(epoch_differs, 1800);
  EXPECT_GT(seed_differs, 1800);
  EXPECT_GT(flips, 900);
  EXPECT_LT(flips, 1100);
  EXPECT_EQ(offsets, (std::set<int>{0, 1, 2, 3, 4}));
}

TEST(Augmentation, DisabledPartsAreIdentity) {
  int flips = 0;
  for (int i = 0; i < 200; ++i) {
    const AugmentationChoice none = draw_augmentation({false, 4, false}, 1, 0, i);
    EXPECT_EQ(none.offset_y, 0);
    EXPECT_EQ(none.offset_x, 0);
    EXPECT_FALSE(none.flip);
    const AugmentationChoice crop_only = draw_augmentation({true, 4, false}, 1, 0, i);
    EXPECT_FALSE(crop_only.flip);
    const AugmentationChoice flip_only = draw_augmentation({false, 4, true}, 1, 0, i);
    EXPECT_EQ(flip_only.offset_y, 0);
    EXPECT_EQ(flip_only.offset_x, 0);
    flips += flip_only.flip;
  }
  EXPECT_GT(flips, 0);
  EXPECT_EQ(data_error_of([] {
              draw_augmentation({true, -1, false}, 1, 0, 0);
            }),
            "augmentation: crop padding -1 is negative");
}

}  // namespace
}  // namespace bitnas

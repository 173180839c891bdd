#include "data/batch_loader.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <string>

#include "data/seed_mixing.hpp"
#include "ops/core/random.hpp"

namespace bitnas {

BatchLoader::BatchLoader(const Dataset& dataset, std::vector<int> indices, LoaderOptions options)
    : dataset_(&dataset), indices_(std::move(indices)), options_(std::move(options)) {
  check_dataset(dataset);
  if (options_.batch_size <= 0)
    throw DataError(dataset.name + ": batch size " + std::to_string(options_.batch_size) +
                    " must be positive");
  if (options_.augmentation.crop_padding < 0)
    throw DataError(dataset.name + ": crop padding " +
                    std::to_string(options_.augmentation.crop_padding) + " is negative");
  for (int i : indices_)
    if (i < 0 || i >= dataset.size())
      throw DataError(dataset.name + ": image index " + std::to_string(i) + " out of range (" +
                      std::to_string(dataset.size()) + " images)");
  if (options_.normalization) {
    options_.normalization->check(dataset.channels);
    pixel_table_ = options_.normalization->lookup_table();
  } else {
    Normalization identity{std::vector<float>(dataset.channels, 0.0f),
                           std::vector<float>(dataset.channels, 1.0f)};
    pixel_table_ = identity.lookup_table();
  }
  start_epoch(0);
}

int BatchLoader::num_batches() const {
  const int n = num_images(), b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

void BatchLoader::start_epoch(int epoch) {
  if (epoch < 0) throw DataError("BatchLoader: epoch " + std::to_string(epoch) + " is negative");
  epoch_ = epoch;
  next_batch_ = 0;
  order_ = indices_;
  if (!options_.shuffle) return;
  // A fresh generator per epoch: epoch e's order never depends on how many epochs ran before.
  Rng rng(derive_seed(options_.seed, SeedPurpose::shuffle, static_cast<std::uint64_t>(epoch)));
  for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng.below(i)]);
}

void BatchLoader::seek(int epoch, int batch_index) {
  if (batch_index < 0 || batch_index > num_batches())
    throw DataError("BatchLoader: cannot seek to batch " + std::to_string(batch_index) +
                    "; an epoch has " + std::to_string(num_batches()) + " batches");
  start_epoch(epoch);
  next_batch_ = batch_index;
}

bool BatchLoader::next(Batch& batch) {
  if (next_batch_ >= num_batches()) return false;
  const Dataset& d = *dataset_;
  const int first = next_batch_ * options_.batch_size;
  const int count = std::min(options_.batch_size, num_images() - first);
  const Shape shape{count, d.height, d.width, d.channels};
  if (batch.images.shape() != shape) batch.images = Tensor(shape);
  batch.labels.resize(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) batch.labels[i] = d.labels[order_[first + i]];
  batch.epoch = epoch_;
  batch.index = next_batch_;

  const std::size_t image_bytes = d.image_bytes();
  const std::size_t pixels = static_cast<std::size_t>(d.height) * d.width;
  const int channels = d.channels;
  const bool augment = options_.augmentation.any();
  float* out_base = batch.images.data();
  // Each image goes to its own slot and its randomness is seeded by its dataset index, so
  // the result is the same for any partition of the work.
  tbb::parallel_for(tbb::blocked_range<int>(0, count), [&](const tbb::blocked_range<int>& r) {
    std::vector<std::uint8_t> scratch(augment ? image_bytes : 0);
    for (int i = r.begin(); i < r.end(); ++i) {
      const int index = order_[first + i];
      const std::uint8_t* src = d.image(index);
      if (augment) {
        const AugmentationChoice choice =
            draw_augmentation(options_.augmentation, options_.seed, epoch_, index);
        augment_image(src, d.height, d.width, channels, options_.augmentation.crop_padding, choice,
                      scratch.data());
        src = scratch.data();
      }
      float* out = out_base + static_cast<std::size_t>(i) * image_bytes;
      for (std::size_t p = 0; p < pixels; ++p)
        for (int c = 0; c < channels; ++c)
          out[p * channels + c] = pixel_table_[c * 256 + src[p * channels + c]];
    }
  });
  ++next_batch_;
  return true;
}

}  // namespace bitnas

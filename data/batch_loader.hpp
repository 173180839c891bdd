#pragma once
// Mini-batches of float NHWC images from a uint8 Dataset. Everything random is a function of
// (seed, epoch, ...) alone: the order of an epoch of (seed, epoch), an image's augmentation of
// (seed, epoch, image index). So batches do not depend on thread count or scheduling, and
// seek(epoch, k) resumes a run with exactly the batches it would have produced.
#include <cstdint>
#include <optional>
#include <vector>

#include "data/augmentation.hpp"
#include "data/dataset.hpp"
#include "data/normalization.hpp"
#include "ops/core/tensor.hpp"

namespace bitnas {

struct LoaderOptions {
  int batch_size = 128;  // > 0
  bool shuffle = true;
  bool drop_last = false;  // drop a final batch smaller than batch_size
  AugmentationOptions augmentation;
  std::optional<Normalization> normalization;  // none: pixel / 255
  std::uint64_t seed = 0;
};

struct Batch {
  Tensor images;            // [B, H, W, C]
  std::vector<int> labels;  // B class indices
  int epoch = 0;
  int index = 0;  // batch index within the epoch
};

class BatchLoader {
 public:
  // Serves the images `indices` of `dataset` (which must outlive the loader), positioned at
  // the first batch of epoch 0. Throws DataError for an index out of range or a bad option.
  BatchLoader(const Dataset& dataset, std::vector<int> indices, LoaderOptions options);
  BatchLoader(Dataset&&, std::vector<int>, LoaderOptions) = delete;

  // Positions at the first batch of `epoch` (>= 0) with that epoch's order.
  void start_epoch(int epoch);
  // Positions at batch `batch_index` (0..num_batches()) of `epoch`; the batches that follow
  // equal those of iterating the epoch from its start.
  void seek(int epoch, int batch_index);
  // Fills `batch` with the next batch of the current epoch; false once the epoch is done.
  // Reuses batch.images' storage when the shape is unchanged.
  bool next(Batch& batch);

  int num_batches() const;
  int num_images() const { return static_cast<int>(indices_.size()); }
  int epoch() const { return epoch_; }
  int next_batch_index() const { return next_batch_; }
  // Dataset indices of the current epoch in the order they are served.
  const std::vector<int>& epoch_order() const { return order_; }

 private:
  const Dataset* dataset_;
  std::vector<int> indices_;
  LoaderOptions options_;
  std::vector<float> pixel_table_;  // [channel * 256 + pixel] -> input value
  std::vector<int> order_;
  int epoch_ = 0;
  int next_batch_ = 0;
};

}  // namespace bitnas

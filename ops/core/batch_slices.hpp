#pragma once
// Running a batch through a computation in slices of a few images. An eval-mode forward
// computes every image from that image alone, so it can go slice by slice: each activation
// then stays the size of a cache instead of growing with the batch, which keeps the cost per
// image flat from batch 16 to 256 and the peak memory bounded.
#include <functional>

#include "ops/core/tensor.hpp"

namespace bitnas {

// Slice size of eval-mode network forwards: at CIFAR sizes 16 images of the widest ResNet18
// activation take 4 MB, within the last-level cache, and still give each core many tasks
// (docs/BENCHMARKS.md has the batch-size measurements).
inline constexpr int kEvalImagesPerSlice = 16;

// Calls f on consecutive slices of at most `images_per_slice` images of `batch` (its first
// dimension) and stacks the results along their first dimension, in order. f's results must
// agree in every dimension but the first.
Tensor map_batch_slices(const Tensor& batch, int images_per_slice,
                        const std::function<Tensor(const Tensor&)>& f);

}  // namespace bitnas

#include "ops/core/batch_slices.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace bitnas {

namespace {

Tensor images_of(const Tensor& batch, int begin, int end) {
  Shape shape = batch.shape();
  const std::int64_t per_image = batch.numel() / shape[0];
  shape[0] = end - begin;
  Tensor slice = Tensor::uninitialized(std::move(shape));
  std::memcpy(slice.data(), batch.data() + begin * per_image,
              static_cast<std::size_t>(slice.numel()) * sizeof(float));
  return slice;
}

}  // namespace

Tensor map_batch_slices(const Tensor& batch, int images_per_slice,
                        const std::function<Tensor(const Tensor&)>& f) {
  if (batch.rank() < 1 || images_per_slice < 1)
    throw std::invalid_argument("map_batch_slices: needs a batch dimension and slices of >= 1 image");
  const int n = batch.dim(0);
  if (n <= images_per_slice) return f(batch);
  Tensor out;
  std::int64_t per_image = 0;
  for (int begin = 0; begin < n; begin += images_per_slice) {
    const int end = std::min(n, begin + images_per_slice);
    const Tensor part = f(images_of(batch, begin, end));
    if (out.empty()) {
      Shape shape = part.shape();
      if (shape.empty() || shape[0] != end - begin)
        throw std::logic_error("map_batch_slices: a result does not have one row per image");
      per_image = part.numel() / shape[0];
      shape[0] = n;
      out = Tensor::uninitialized(std::move(shape));
    }
    if (part.numel() != per_image * (end - begin))
      throw std::logic_error("map_batch_slices: results of slices differ in shape");
    std::memcpy(out.data() + begin * per_image, part.data(),
                static_cast<std::size_t>(part.numel()) * sizeof(float));
  }
  return out;
}

}  // namespace bitnas

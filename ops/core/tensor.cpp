#include "ops/core/tensor.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <stdexcept>

namespace bitnas {

std::int64_t shape_numel(const Shape& shape) {
  std::int64_t n = 1;
  for (int d : shape) {
    if (d < 0) throw std::invalid_argument("negative dimension in shape " + shape_string(shape));
    n *= d;
  }
  return n;
}

std::string shape_string(const Shape& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Tensor::Tensor(Shape shape, float fill)
    : shape_(std::move(shape)), data_(static_cast<std::size_t>(shape_numel(shape_)), fill) {}

Tensor Tensor::uninitialized(Shape shape) {
  Tensor t;
  t.data_.resize(static_cast<std::size_t>(shape_numel(shape)));
  t.shape_ = std::move(shape);
  return t;
}

Tensor::Tensor(Shape shape, std::initializer_list<float> values)
    : shape_(std::move(shape)), data_(values.begin(), values.end()) {
  if (static_cast<std::int64_t>(data_.size()) != shape_numel(shape_))
    throw std::invalid_argument("Tensor: " + std::to_string(data_.size()) +
                                " values for shape " + bitnas::shape_string(shape_));
}

int Tensor::dim(int i) const {
  const int r = rank();
  const int k = i < 0 ? i + r : i;
  if (k < 0 || k >= r)
    throw std::out_of_range("Tensor::dim(" + std::to_string(i) + ") of shape " + shape_string());
  return shape_[static_cast<std::size_t>(k)];
}

float& Tensor::at(int n, int h, int w, int c) {
  return data_[((static_cast<std::size_t>(n) * shape_[1] + h) * shape_[2] + w) * shape_[3] + c];
}

float Tensor::at(int n, int h, int w, int c) const {
  return data_[((static_cast<std::size_t>(n) * shape_[1] + h) * shape_[2] + w) * shape_[3] + c];
}

Tensor Tensor::reshaped(Shape shape) const& { return Tensor(*this).reshaped(std::move(shape)); }

Tensor Tensor::reshaped(Shape shape) && {
  if (shape_numel(shape) != numel())
    throw std::invalid_argument("cannot reshape " + shape_string() + " to " +
                                bitnas::shape_string(shape));
  shape_ = std::move(shape);
  return std::move(*this);
}

void Tensor::fill(float value) { std::fill(data_.begin(), data_.end(), value); }

namespace {

// Elementwise passes over large tensors (shortcut sums of whole activations) split across the
// cores; each element is computed alone, so the split does not change any bit.
template <typename Fn>
void for_each_block(std::size_t n, Fn&& fn) {
  constexpr std::size_t kBlock = 16384;
  if (n <= kBlock) {
    fn(std::size_t{0}, n);
    return;
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, kBlock),
                    [&](const tbb::blocked_range<std::size_t>& r) { fn(r.begin(), r.end()); });
}

}  // namespace

void Tensor::add_(const Tensor& other) {
  require_same_shape(*this, other, "Tensor::add_");
  float* out = data_.data();
  const float* in = other.data_.data();
  for_each_block(data_.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) out[i] += in[i];
  });
}

void Tensor::scale_(float factor) {
  float* out = data_.data();
  for_each_block(data_.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) out[i] *= factor;
  });
}

std::string Tensor::shape_string() const { return bitnas::shape_string(shape_); }

void require_same_shape(const Tensor& a, const Tensor& b, const char* what) {
  if (!a.same_shape(b))
    throw std::invalid_argument(std::string(what) + ": shape " + a.shape_string() +
                                " does not match " + b.shape_string());
}

void require_rank(const Tensor& t, int rank, const char* what) {
  if (t.rank() != rank)
    throw std::invalid_argument(std::string(what) + ": expected a rank-" + std::to_string(rank) +
                                " tensor, got shape " + t.shape_string());
}

}  // namespace bitnas

#pragma once
// A dense float32 tensor with value semantics. Activations are NHWC (channel-last, so sign
// bits pack along channels); conv weights are OHWI ([out][kh][kw][in/groups]), so one output
// channel's weights are one contiguous row of K = kh*kw*in/groups values in im2col order.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "ops/core/aligned_allocator.hpp"

namespace bitnas {

using Shape = std::vector<int>;

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Shape shape, float fill = 0.0f);
  Tensor(Shape shape, std::initializer_list<float> values);

  static Tensor zeros_like(const Tensor& other) { return Tensor(other.shape()); }
  // Values left unset: for outputs whose every element is written before it is read, which
  // saves the zero-fill pass (and, for fresh pages, half the page-fault work).
  static Tensor uninitialized(Shape shape);

  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  // Size of dimension i; negative i counts from the end.
  int dim(int i) const;
  std::int64_t numel() const { return static_cast<std::int64_t>(data_.size()); }
  bool empty() const { return data_.empty(); }

  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  std::span<float> values() { return {data_.data(), data_.size()}; }
  std::span<const float> values() const { return {data_.data(), data_.size()}; }
  float& operator[](std::int64_t i) { return data_[static_cast<std::size_t>(i)]; }
  float operator[](std::int64_t i) const { return data_[static_cast<std::size_t>(i)]; }

  // Element of a rank-4 NHWC tensor.
  float& at(int n, int h, int w, int c);
  float at(int n, int h, int w, int c) const;

  // Same data, new shape with the same element count.
  Tensor reshaped(Shape shape) const&;
  // The same without a copy, for a tensor that is not needed any more.
  Tensor reshaped(Shape shape) &&;
  void fill(float value);
  // this += other (same shape).
  void add_(const Tensor& other);
  // this *= factor.
  void scale_(float factor);

  bool same_shape(const Tensor& other) const { return shape_ == other.shape_; }
  std::string shape_string() const;

 private:
  Shape shape_;
  std::vector<float, DefaultInitAlignedAllocator<float>> data_;
};

std::string shape_string(const Shape& shape);
std::int64_t shape_numel(const Shape& shape);

// Throws std::invalid_argument naming `what` when the shapes differ.
void require_same_shape(const Tensor& a, const Tensor& b, const char* what);
void require_rank(const Tensor& t, int rank, const char* what);

}  // namespace bitnas

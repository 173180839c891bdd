#include "ops/layers/concat.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "ops/layers/layer_checks.hpp"
#include "ops/layers/row_parallel.hpp"

namespace bitnas {

namespace {

// Copies `width` floats of each of `rows` rows between buffers whose rows are `src_stride` and
// `dst_stride` floats apart: a channel slice into or out of the concatenated tensor.
void copy_rows(const float* src, std::int64_t src_stride, float* dst, std::int64_t dst_stride,
               std::int64_t rows, int width) {
  for_each_row_block(rows, width, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t r = b; r < e; ++r)
      std::memcpy(dst + r * dst_stride, src + r * src_stride, sizeof(float) * width);
  });
}

}  // namespace

Tensor Concat::forward(const std::vector<Tensor>& inputs, Mode mode) {
  if (inputs.empty()) throw std::invalid_argument("Concat: needs at least one input");
  const Shape& first = inputs[0].shape();
  if (first.empty()) throw std::invalid_argument("Concat: inputs must have rank >= 1");
  Shape out_shape = first;
  out_shape.back() = 0;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const Shape& s = inputs[k].shape();
    if (s.size() != first.size() || !std::equal(s.begin(), s.end() - 1, first.begin()))
      throw std::invalid_argument("Concat: input " + std::to_string(k) + " has shape " +
                                  inputs[k].shape_string() + ", input 0 has shape " +
                                  inputs[0].shape_string() +
                                  "; all dimensions but the last must agree");
    out_shape.back() += s.back();
  }
  Tensor y = Tensor::uninitialized(out_shape);  // the inputs' columns tile it
  const int total = out_shape.back();
  const std::int64_t rows = total > 0 ? y.numel() / total : 0;
  int offset = 0;
  for (const Tensor& x : inputs) {
    const int width = x.dim(-1);
    copy_rows(x.data(), width, y.data() + offset, total, rows, width);
    offset += width;
  }
  has_state_ = mode == Mode::train;
  input_shapes_.clear();
  for (const Tensor& x : inputs) input_shapes_.push_back(x.shape());
  output_shape_ = out_shape;
  return y;
}

std::vector<Tensor> Concat::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  require_grad_shape(grad_output, output_shape_, type_name());
  const int total = output_shape_.back();
  const std::int64_t rows = total > 0 ? grad_output.numel() / total : 0;
  std::vector<Tensor> grads;
  int offset = 0;
  for (const Shape& s : input_shapes_) {
    Tensor g = Tensor::uninitialized(s);  // every row's slice is copied in
    copy_rows(grad_output.data() + offset, total, g.data(), s.back(), rows, s.back());
    offset += s.back();
    grads.push_back(std::move(g));
  }
  return grads;
}

}  // namespace bitnas

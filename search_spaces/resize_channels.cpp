#include "search_spaces/resize_channels.hpp"

#include <algorithm>
#include <cstring>

#include "ops/layers/layer_checks.hpp"

namespace bitnas {

namespace {

// Copies the first `width` channels of each row between tensors of row lengths src_c, dst_c;
// dst must be zero-filled.
void copy_channels(const Tensor& src, int src_c, Tensor& dst, int dst_c) {
  const int width = std::min(src_c, dst_c);
  const std::int64_t rows = src.numel() / src_c;
  for (std::int64_t r = 0; r < rows; ++r)
    std::memcpy(dst.data() + r * dst_c, src.data() + r * src_c, sizeof(float) * width);
}

}  // namespace

ResizeChannels::ResizeChannels(int in_channels, int out_channels)
    : in_channels_(in_channels), out_channels_(out_channels) {
  require_argument(in_channels >= 1 && out_channels >= 1, "ResizeChannels",
                   "channel counts must be >= 1, got " + std::to_string(in_channels) + " -> " +
                       std::to_string(out_channels));
}

Tensor ResizeChannels::forward(const Tensor& input, Mode mode) {
  require_rank_one_of(input, {2, 4}, type_name());
  require_channels(input, in_channels_, type_name());
  Shape shape = input.shape();
  shape.back() = out_channels_;
  Tensor y(shape);
  copy_channels(input, in_channels_, y, out_channels_);
  has_state_ = mode == Mode::train;
  output_shape_ = std::move(shape);
  return y;
}

Tensor ResizeChannels::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  require_grad_shape(grad_output, output_shape_, type_name());
  Shape shape = output_shape_;
  shape.back() = in_channels_;
  Tensor grad_input(shape);
  copy_channels(grad_output, out_channels_, grad_input, in_channels_);
  return grad_input;
}

}  // namespace bitnas

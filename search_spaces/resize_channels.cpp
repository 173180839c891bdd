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

// Output channel c of each row takes input channel c mod src_c; dst is fully written.
void repeat_channels(const Tensor& src, int src_c, Tensor& dst, int dst_c) {
  const std::int64_t rows = src.numel() / src_c;
  for (std::int64_t r = 0; r < rows; ++r)
    for (int c = 0; c < dst_c; ++c) dst.data()[r * dst_c + c] = src.data()[r * src_c + c % src_c];
}

// The adjoint of repeat_channels: each input channel sums the gradients of its copies.
void sum_repeated_channels(const Tensor& grad_out, int out_c, Tensor& grad_in, int in_c) {
  const std::int64_t rows = grad_out.numel() / out_c;
  for (std::int64_t r = 0; r < rows; ++r)
    for (int c = 0; c < out_c; ++c) grad_in.data()[r * in_c + c % in_c] += grad_out.data()[r * out_c + c];
}

}  // namespace

ResizeChannels::ResizeChannels(int in_channels, int out_channels, ChannelFill fill)
    : in_channels_(in_channels), out_channels_(out_channels), fill_(fill) {
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
  if (fill_ == ChannelFill::repeat) repeat_channels(input, in_channels_, y, out_channels_);
  else copy_channels(input, in_channels_, y, out_channels_);
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
  if (fill_ == ChannelFill::repeat) sum_repeated_channels(grad_output, out_channels_, grad_input, in_channels_);
  else copy_channels(grad_output, out_channels_, grad_input, in_channels_);
  return grad_input;
}

}  // namespace bitnas

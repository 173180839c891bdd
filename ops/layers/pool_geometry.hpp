#pragma once
// Window arithmetic shared by AvgPool2d and MaxPool2d, following PyTorch: square windows,
// implicit padding, and ceil_mode, in which a last window is kept only if it starts inside the
// input or the left padding.
#include <cstdint>
#include <string>

#include "ops/core/tensor.hpp"

namespace bitnas {

struct PoolWindow {
  int kernel = 2;
  int stride = 0;  // 0 means "= kernel", PyTorch's default
  int padding = 0;
  bool ceil_mode = false;

  int effective_stride() const { return stride > 0 ? stride : kernel; }
  // Throws std::invalid_argument naming `op` unless kernel >= 1, stride >= 0 and
  // 0 <= padding <= kernel / 2 (PyTorch's limit).
  void validate(const std::string& op) const;
  std::string to_string() const;
};

// Output length along one axis of length `in`; throws if the window never fits.
int pool_output_size(int in, const PoolWindow& window);

// The taps of one output along one axis: input positions [begin, end), and how many positions
// the window covers counting padding but not what lies beyond the padding (PyTorch's divisor
// for count_include_pad).
struct PoolSpan {
  int begin, end, padded_size;
};

struct PoolAxis {
  int in = 1, out = 1, kernel = 1, stride = 1, padding = 0;
  PoolAxis() = default;
  PoolAxis(int in_size, const PoolWindow& window);
  PoolSpan span(int o) const;
};

// A pooling window applied to an NHWC tensor.
struct PoolGeometry {
  int batch = 1, channels = 1;
  PoolAxis rows, cols;

  static PoolGeometry for_input(const Tensor& input, const PoolWindow& window,
                                const std::string& op);
  Shape input_shape() const { return {batch, rows.in, cols.in, channels}; }
  Shape output_shape() const { return {batch, rows.out, cols.out, channels}; }
  // Offset of pixel (y, x) of image n in the input / output tensor.
  std::int64_t input_offset(int n, int y, int x) const {
    return ((static_cast<std::int64_t>(n) * rows.in + y) * cols.in + x) * channels;
  }
  std::int64_t output_offset(int n, int y, int x) const {
    return ((static_cast<std::int64_t>(n) * rows.out + y) * cols.out + x) * channels;
  }
};

}  // namespace bitnas

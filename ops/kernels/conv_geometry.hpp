#pragma once
// Shape arithmetic shared by the float and binary convolutions (square kernels, NHWC input,
// OHWI weights). Groups split both channel dimensions evenly.
#include <string>

#include "ops/core/tensor.hpp"

namespace bitnas {

struct ConvGeometry {
  int batch = 1, in_h = 1, in_w = 1, in_c = 1;
  int out_c = 1;
  int kernel = 1, stride = 1, padding = 0, dilation = 1, groups = 1;

  // Geometry of a conv applied to an NHWC tensor of `input_shape`; validates it.
  static ConvGeometry for_input(const Shape& input_shape, int out_channels, int kernel,
                                int stride, int padding, int dilation = 1, int groups = 1);

  int out_h() const { return (in_h + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1; }
  int out_w() const { return (in_w + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1; }
  int in_c_per_group() const { return in_c / groups; }
  int out_c_per_group() const { return out_c / groups; }
  // Terms of one output's dot product: kernel*kernel*in_c/groups.
  int k_per_group() const { return kernel * kernel * in_c_per_group(); }
  int out_pixels_per_image() const { return out_h() * out_w(); }

  Shape input_shape() const { return {batch, in_h, in_w, in_c}; }
  Shape output_shape() const { return {batch, out_h(), out_w(), out_c}; }
  Shape weight_shape() const { return {out_c, kernel, kernel, in_c_per_group()}; }

  // Throws std::invalid_argument describing the first inconsistency.
  void validate() const;
  std::string to_string() const;
};

}  // namespace bitnas

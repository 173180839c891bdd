#include "ops/kernels/conv_geometry.hpp"

#include <stdexcept>

namespace bitnas {

ConvGeometry ConvGeometry::for_input(const Shape& input_shape, int out_channels, int kernel,
                                     int stride, int padding, int dilation, int groups) {
  if (input_shape.size() != 4)
    throw std::invalid_argument("convolution expects an NHWC input, got shape " +
                                shape_string(input_shape));
  ConvGeometry g;
  g.batch = input_shape[0];
  g.in_h = input_shape[1];
  g.in_w = input_shape[2];
  g.in_c = input_shape[3];
  g.out_c = out_channels;
  g.kernel = kernel;
  g.stride = stride;
  g.padding = padding;
  g.dilation = dilation;
  g.groups = groups;
  g.validate();
  return g;
}

void ConvGeometry::validate() const {
  auto fail = [this](const std::string& why) {
    throw std::invalid_argument("invalid convolution " + to_string() + ": " + why);
  };
  if (batch < 1 || in_h < 1 || in_w < 1 || in_c < 1 || out_c < 1) fail("sizes must be positive");
  if (kernel < 1 || stride < 1 || dilation < 1 || groups < 1 || padding < 0)
    fail("kernel, stride, dilation and groups must be >= 1 and padding >= 0");
  if (in_c % groups != 0 || out_c % groups != 0)
    fail("groups must divide both channel counts");
  if (out_h() < 1 || out_w() < 1) fail("the output would be empty");
}

std::string ConvGeometry::to_string() const {
  return "(N=" + std::to_string(batch) + " H=" + std::to_string(in_h) +
         " W=" + std::to_string(in_w) + " C=" + std::to_string(in_c) +
         " -> " + std::to_string(out_c) + ", k=" + std::to_string(kernel) +
         " s=" + std::to_string(stride) + " p=" + std::to_string(padding) +
         " d=" + std::to_string(dilation) + " g=" + std::to_string(groups) + ")";
}

}  // namespace bitnas

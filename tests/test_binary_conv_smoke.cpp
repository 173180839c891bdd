#include <gtest/gtest.h>

#include "ops/kernels/binary_conv.hpp"
#include "ops/kernels/float_conv.hpp"

namespace bitnas {
namespace {

TEST(BinaryConvSmoke, PortableMatchesFloatOnSigns) {
  const ConvGeometry g = ConvGeometry::for_input({2, 5, 5, 3}, 4, 3, 1, 1);
  Tensor x(g.input_shape()), w(g.weight_shape());
  for (int i = 0; i < x.numel(); ++i) x[i] = (i * 7 % 5) < 2 ? -1.0f : 1.0f;
  for (int i = 0; i < w.numel(); ++i) w[i] = (i * 3 % 7) < 3 ? -1.0f : 1.0f;
  for (PadMode pad : {PadMode::zero, PadMode::plus_one, PadMode::minus_one}) {
    const Tensor expect = float_conv_forward(x, w, g, pad_value(pad));
    const Tensor got = binary_conv(x, w, g, pad, Isa::portable);
    for (int i = 0; i < expect.numel(); ++i) ASSERT_EQ(got[i], expect[i]) << to_string(pad) << i;
  }
}

}  // namespace
}  // namespace bitnas

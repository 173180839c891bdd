// The six Downsample variants (docs/DESIGN.md, Shortcuts and downsamples): output shapes, parameter
// counts worked out here from their definitions, the zero-padding variant's values, and gradients.
#include <gtest/gtest.h>

#include <string>

#include "ops/layers/identity.hpp"
#include "search_spaces/binary_conv_unit.hpp"
#include "search_spaces/branches.hpp"
#include "search_spaces/downsample.hpp"
#include "tests/test_float_layers_util.hpp"
#include "tests/test_search_space_ops_util.hpp"

namespace bitnas {
namespace {

const Downsample kAll[] = {Downsample::fp_conv,         Downsample::avgpool,
                           Downsample::binary_conv,     Downsample::binary_factorized,
                           Downsample::avgpool_fp_conv, Downsample::avgpool_binary_conv};

struct Counts {
  std::int64_t total;   // every parameter value
  std::int64_t binary;  // latent binary weights
};

// c_in -> c_out = 2 * c_in at stride 2, BN affine (2 values per channel).
Counts expected_counts(Downsample kind, LayerOrder order, int c_in, int c_out) {
  const bool norm_first = order == LayerOrder::bn_conv_relu || order == LayerOrder::bn_relu_conv;
  const std::int64_t fp_1x1 = c_in * c_out, bin_1x1 = c_in * c_out;
  switch (kind) {
    case Downsample::fp_conv:
      return {fp_1x1 + 2 * c_out, 0};  // conv, BN(c_out)
    case Downsample::avgpool:
      return {0, 0};
    case Downsample::binary_conv: {
      const std::int64_t w = 9 * c_in * c_out;
      return {w + 2 * (norm_first ? c_in : c_out), w};
    }
    case Downsample::binary_factorized: {
      const std::int64_t w = 9 * c_in * c_in;  // per half; each unit's BN has c_in channels
      return {2 * (w + 2 * c_in), 2 * w};
    }
    case Downsample::avgpool_fp_conv:
      return {fp_1x1 + 2 * c_out, 0};
    case Downsample::avgpool_binary_conv:
      return {bin_1x1 + 2 * c_out, bin_1x1};  // BN(c_out)
  }
  return {-1, -1};
}

std::int64_t binary_values(Module& m) {
  std::int64_t n = 0;
  for (auto& p : m.parameters())
    if (p.param->role == ParamRole::binary_weight) n += p.param->value.numel();
  return n;
}

class DownsampleVariants : public ::testing::TestWithParam<Downsample> {
 protected:
  SearchSpaceConfig space = testing::xnor_space();
  Rng rng{7};
  OpContext context{space, rng};
};

TEST_P(DownsampleVariants, ShapesAndParameterCounts) {
  for (LayerOrder order : {LayerOrder::bn_conv_relu, LayerOrder::sign_conv_bn}) {
    space.binary.layer_order = order;
    auto ds = make_downsample(GetParam(), 4, 8, 2, context);
    const Counts c = expected_counts(GetParam(), order, 4, 8);
    EXPECT_EQ(testing::count_parameter_values(*ds), c.total) << to_string(order);
    EXPECT_EQ(binary_values(*ds), c.binary) << to_string(order);
    // Odd sizes round up, as the padded stride-2 convs beside the shortcut do.
    for (int h : {7, 8}) {
      const Tensor x = testing::random_tensor({2, h, h, 4}, h);
      const int out = (h + 1) / 2;
      EXPECT_EQ(ds->forward(x, Mode::train).shape(), (Shape{2, out, out, 8}));
      EXPECT_EQ(ds->forward(x, Mode::eval).shape(), (Shape{2, out, out, 8}));
    }
  }
}

TEST_P(DownsampleVariants, Gradients) {
  space = testing::with_smooth_ste(space);
  auto ds = make_downsample(GetParam(), 4, 8, 2, context);
  testing::prepare_binary_convs(*ds, testing::random_tensor({2, 5, 5, 4}, 40));
  EXPECT_TRUE(testing::check_op_gradients(
      *ds, [](int k) { return testing::balanced_batch(5, 5, 4, 50 + k); }));
}

INSTANTIATE_TEST_SUITE_P(All, DownsampleVariants, ::testing::ValuesIn(kAll),
                         [](const ::testing::TestParamInfo<Downsample>& info) {
                           return std::string(to_string(info.param));
                         });

class DownsampleSemantics : public ::testing::Test {
 protected:
  SearchSpaceConfig space = testing::xnor_space();
  Rng rng{8};
  OpContext context{space, rng};
};

TEST_F(DownsampleSemantics, AvgpoolSubsamplesAndAppendsZeroChannels) {
  auto ds = make_downsample(Downsample::avgpool, 3, 5, 2, context);
  const Tensor x = testing::random_tensor({2, 5, 5, 3}, 1);
  const Tensor y = ds->forward(x, Mode::eval);
  ASSERT_EQ(y.shape(), (Shape{2, 3, 3, 5}));
  for (int n = 0; n < 2; ++n)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        for (int c = 0; c < 5; ++c)
          EXPECT_EQ(y.at(n, i, j, c), c < 3 ? x.at(n, 2 * i, 2 * j, c) : 0.0f);
}

TEST_F(DownsampleSemantics, StrideOneChangesOnlyTheWidth) {
  for (Downsample kind : {Downsample::fp_conv, Downsample::avgpool, Downsample::binary_conv,
                          Downsample::avgpool_fp_conv, Downsample::avgpool_binary_conv}) {
    auto ds = make_downsample(kind, 4, 8, 1, context);
    EXPECT_EQ(ds->forward(testing::random_tensor({2, 5, 5, 4}, 2), Mode::eval).shape(),
              (Shape{2, 5, 5, 8}))
        << to_string(kind);
  }
}

TEST_F(DownsampleSemantics, BinaryFactorizedShiftsItsSecondHalf) {
  auto ds = make_downsample(Downsample::binary_factorized, 4, 8, 2, context);
  auto& pair = dynamic_cast<Branches&>(*ds);
  ASSERT_EQ(pair.size(), 2u);
  EXPECT_EQ(pair.merge().type_name(), "Concat");
  auto& first = dynamic_cast<BinaryConvUnit&>(pair.branch(0));
  auto& shifted = dynamic_cast<Sequential&>(pair.branch(1));
  EXPECT_EQ(shifted[0].type_name(), "PixelShift");
  auto& second = dynamic_cast<BinaryConvUnit&>(shifted[1]);
  for (BinaryConvUnit* unit : {&first, &second}) {
    EXPECT_EQ(unit->conv().options().kernel, 3);
    EXPECT_EQ(unit->conv().options().stride, 2);
    EXPECT_EQ(unit->conv().out_channels(), 4);
    ASSERT_NE(unit->shortcut(), nullptr);
    EXPECT_EQ(unit->shortcut()->type_name(), "AvgPool2d");
  }
}

TEST_F(DownsampleSemantics, BinaryVariantsFollowOrFixTheOrder) {
  space.binary.layer_order = LayerOrder::conv_bn_relu;
  auto conv = make_downsample(Downsample::binary_conv, 4, 8, 2, context);
  EXPECT_EQ(dynamic_cast<BinaryConvUnit&>(*conv).order(), LayerOrder::conv_bn_relu);
  EXPECT_EQ(dynamic_cast<BinaryConvUnit&>(*conv).shortcut(), nullptr);
  auto pooled = make_downsample(Downsample::avgpool_binary_conv, 4, 8, 2, context);
  auto& seq = dynamic_cast<Sequential&>(*pooled);
  ASSERT_EQ(seq.size(), 2u);
  EXPECT_EQ(seq[0].type_name(), "AvgPool2d");
  EXPECT_EQ(dynamic_cast<BinaryConvUnit&>(seq[1]).order(), LayerOrder::sign_conv_bn);
}

TEST_F(DownsampleSemantics, ErrorsNameTheVariant) {
  EXPECT_TRUE(testing::throws_invalid_argument(
      [&] { make_downsample(Downsample::binary_factorized, 4, 8, 1, context); },
      {"binary_factorized", "stride 1", "c_out == 2 * c_in"}));
  EXPECT_TRUE(testing::throws_invalid_argument(
      [&] { make_downsample(Downsample::binary_factorized, 4, 6, 2, context); },
      {"binary_factorized", "c_out 6"}));
  EXPECT_TRUE(testing::throws_invalid_argument(
      [&] { make_downsample(Downsample::avgpool, 8, 4, 2, context); },
      {"avgpool", "c_out must be >= c_in"}));
}

TEST_F(DownsampleSemantics, ShortcutIsIdentityOnlyWhenNothingChanges) {
  EXPECT_NE(dynamic_cast<Identity*>(make_shortcut(4, 4, 1, context).get()), nullptr);
  space.downsample = Downsample::avgpool;
  for (auto [c_out, stride] : {std::pair{8, 1}, std::pair{4, 2}, std::pair{8, 2}}) {
    auto sc = make_shortcut(4, c_out, stride, context);
    EXPECT_EQ(dynamic_cast<Identity*>(sc.get()), nullptr);
    EXPECT_EQ(sc->forward(testing::random_tensor({1, 4, 4, 4}, 3), Mode::eval).shape(),
              (Shape{1, 4 / stride, 4 / stride, c_out}));
  }
}

}  // namespace
}  // namespace bitnas

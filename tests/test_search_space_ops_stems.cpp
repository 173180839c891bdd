// Stems (shapes at CIFAR and ImageNet sizes, layers, errors) and the classifier head.
#include <gtest/gtest.h>

#include <string>

#include "ops/layers/batch_norm.hpp"
#include "search_spaces/head.hpp"
#include "search_spaces/stems.hpp"
#include "tests/test_float_layers_util.hpp"
#include "tests/test_search_space_ops_util.hpp"

namespace bitnas {
namespace {

struct StemCase {
  StemKind kind;
  int reduction;            // the strides of the listed layers (docs/DESIGN.md, Stems and head)
  std::int64_t parameters;  // for 3 -> 16 channels, worked out by hand
};

const StemCase kStems[] = {
    // conv 3x3 3->16, BN(16)
    {StemKind::conv_bn_relu_3x3, 1, 16 * 9 * 3 + 32},
    // conv 3x3 s2 3->8, BN(8), conv 3x3 s2 8->16, BN(16)
    {StemKind::imagenet_stem0, 4, 8 * 9 * 3 + 16 + 16 * 9 * 8 + 32},
    // conv 7x7 s2 3->16, BN(16), ReLU, max pool s2
    {StemKind::imagenet_7x7_maxpool, 4, 16 * 49 * 3 + 32},
    // BN(3) without affine, conv 3x3 3->16, BN(16)
    {StemKind::bmxnet_thumbnail, 1, 16 * 9 * 3 + 32},
    // BN(3) without affine, conv 7x7 s2 3->16, BN, ReLU, max pool s2, BN
    {StemKind::bmxnet_imagenet, 4, 16 * 49 * 3 + 32 + 32},
    // conv 3x3 s2 3->8, conv 3x3 g4 8->8, conv 3x3 g8 8->16, three BNs, max pool s2
    {StemKind::bmxnet_grouped, 4, 8 * 9 * 3 + 8 * 9 * 2 + 16 * 9 * 1 + 16 + 16 + 32},
};

void PrintTo(const StemCase& c, std::ostream* os) { *os << to_string(c.kind); }

class Stems : public ::testing::TestWithParam<StemCase> {
 protected:
  SearchSpaceConfig space = testing::xnor_space();
  Rng rng{9};
  OpContext context{space, rng};
};

TEST_P(Stems, ShapesAtCifarAndImagenetSizes) {
  const StemCase& c = GetParam();
  EXPECT_EQ(stem_reduction(c.kind), c.reduction);
  auto stem = make_stem(c.kind, 3, 16, context);
  EXPECT_EQ(testing::count_parameter_values(*stem), c.parameters);
  for (int size : {32, 224}) {
    const Tensor x = testing::random_tensor({1, size, size, 3}, size);
    const int out = size / c.reduction;
    EXPECT_EQ(stem->forward(x, Mode::eval).shape(), (Shape{1, out, out, 16})) << size;
  }
  EXPECT_EQ(stem->forward(testing::random_tensor({2, 28, 28, 3}, 1), Mode::train).shape(),
            (Shape{2, 28 / c.reduction, 28 / c.reduction, 16}));
}

TEST_P(Stems, Gradients) {
  auto stem = make_stem(GetParam().kind, 3, 16, context);
  EXPECT_TRUE(testing::check_op_gradients(
      *stem, [](int k) { return testing::balanced_batch(8, 8, 3, 60 + k); }));
}

INSTANTIATE_TEST_SUITE_P(All, Stems, ::testing::ValuesIn(kStems),
                         [](const ::testing::TestParamInfo<StemCase>& info) {
                           return std::string(to_string(info.param.kind));
                         });

TEST(StemLayers, BmxnetStemsStartWithAParameterFreeInputBn) {
  SearchSpaceConfig space = testing::xnor_space();
  Rng rng(1);
  const OpContext context{space, rng};
  for (StemKind kind : {StemKind::bmxnet_thumbnail, StemKind::bmxnet_imagenet}) {
    auto stem = make_stem(kind, 3, 16, context);
    auto& first = dynamic_cast<BatchNorm&>(dynamic_cast<Sequential&>(*stem)[0]);
    EXPECT_FALSE(first.options().affine);
    EXPECT_FLOAT_EQ(first.options().eps, 2e-5f);
    EXPECT_EQ(stem->buffers().front().name, "input_bn.running_mean");
  }
  std::vector<std::string> names;
  for (auto& p : make_stem(StemKind::imagenet_stem0, 3, 16, context)->parameters())
    names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"conv1.weight", "bn1.weight", "bn1.bias",
                                             "conv2.weight", "bn2.weight", "bn2.bias"}));
}

TEST(StemLayers, WidthsThatDoNotSplitAreErrors) {
  SearchSpaceConfig space = testing::xnor_space();
  Rng rng(1);
  const OpContext context{space, rng};
  EXPECT_TRUE(
      testing::throws_invalid_argument([&] { make_stem(StemKind::imagenet_stem0, 3, 15, context); },
                                       {"imagenet_stem0", "out_channels (15)", "divisible by 2"}));
  // C/2 = 10 is not a multiple of conv2's 4 groups; C/2 = 12 not of conv3's 8.
  EXPECT_TRUE(
      testing::throws_invalid_argument([&] { make_stem(StemKind::bmxnet_grouped, 3, 20, context); },
                                       {"bmxnet_grouped", "conv2", "4 groups"}));
  EXPECT_TRUE(
      testing::throws_invalid_argument([&] { make_stem(StemKind::bmxnet_grouped, 3, 24, context); },
                                       {"bmxnet_grouped", "conv3", "8 groups"}));
}

// ---- Head ------------------------------------------------------------------------------------

TEST(Head, PoolsThenClassifies) {
  Rng rng(2);
  Head head(6, 10, /*relu=*/false, rng);
  EXPECT_FALSE(head.has_relu());
  std::vector<std::string> names;
  for (auto& p : head.parameters()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"fc.weight", "fc.bias"}));
  EXPECT_EQ(testing::count_parameter_values(head), 6 * 10 + 10);
  const Tensor x = testing::random_tensor({3, 4, 4, 6}, 1);
  EXPECT_EQ(head.forward(x, Mode::eval).shape(), (Shape{3, 10}));
  EXPECT_TRUE(testing::check_module_gradients(head, x));
}

TEST(Head, ReluComesBeforeThePool) {
  Rng rng(3);
  Head head(4, 3, /*relu=*/true, rng);
  EXPECT_TRUE(head.has_relu());
  // All-negative features: after the ReLU only the FC bias is left.
  const Tensor x = testing::random_tensor({2, 3, 3, 4}, 2, -1.0f, -0.1f);
  const Tensor y = head.forward(x, Mode::train);
  for (int n = 0; n < 2; ++n)
    for (int k = 0; k < 3; ++k) EXPECT_FLOAT_EQ(y[n * 3 + k], head.fc().bias()->value[k]);
  EXPECT_TRUE(
      testing::check_module_gradients(head, testing::random_away_from_zero({2, 3, 3, 4}, 4)));
}

}  // namespace
}  // namespace bitnas

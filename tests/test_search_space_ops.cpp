// The op registry: every op and alias builds at the widths and strides it supports, gives the
// output shape a cell edge expects, and backpropagates what finite differences of its (STE
// surrogate) forward say; errors name the op.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ops/layers/identity.hpp"
#include "search_spaces/binary_conv_unit.hpp"
#include "search_spaces/branches.hpp"
#include "search_spaces/op_registry.hpp"
#include "tests/support/gradient_check.hpp"
#include "tests/test_float_layers_util.hpp"
#include "tests/test_search_space_ops_util.hpp"

namespace bitnas {
namespace {

using testing::bmxnet_space;
using testing::find_binary_convs;
using testing::xnor_space;

const std::set<std::string> kExpectedOps = {
    "bconv_1x1",         "bconv_1x1_skip",      "bconv_3x3",         "bconv_3x3_skip",
    "bconv_5x5",         "bconv_5x5_skip",      "dil_bconv_3x3",     "dil_bconv_3x3_skip",
    "dil_bconv_5x5",     "dil_bconv_5x5_skip",  "group_bconv_3x3",   "group_bconv_3x3_skip",
    "skip_connect",      "shortcut",            "avg_pool_3x3",      "max_pool_3x3",
    "none",
    "xnor_resnet_block", "bireal_resnet_block", "resnete_block",     "xnor_vgg_block",
    "relu_conv_bn_1x1",  "bin_conv_bn_1x1",     "factorized_reduce", "bin_factorized_reduce",
    "identity"};

const std::map<std::string, std::string> kExpectedAliases = {
    {"xnor_conv_3x3", "bconv_3x3_skip"},         {"xnor_conv_3x3_noskip", "bconv_3x3"},
    {"xnor_conv_5x5", "bconv_5x5_skip"},         {"xnor_conv_5x5_noskip", "bconv_5x5"},
    {"xnor_conv_1x1", "bconv_1x1_skip"},         {"xnor_group_conv_3x3", "group_bconv_3x3_skip"},
    {"xnor_dil_conv_3x3", "dil_bconv_3x3_skip"}, {"xnor_dil_conv_5x5", "dil_bconv_5x5_skip"},
    {"xnor_conv_3x3_cond_skip", "bconv_3x3_skip"}, {"xnor_conv_1x1_noskip", "bconv_1x1"},
    {"bireal_conv_3x3", "bconv_3x3_skip"}};

struct Edge {
  int c_in, c_out, stride;
};

// The (widths, stride) combinations each op supports, written from docs/DESIGN.md (The cell space),
// not the code.
std::vector<Edge> supported_edges(const std::string& canonical) {
  if (canonical == "avg_pool_3x3" || canonical == "max_pool_3x3") return {{4, 4, 1}, {4, 4, 2}};
  if (canonical == "identity") return {{4, 4, 1}};
  if (canonical == "factorized_reduce" || canonical == "bin_factorized_reduce")
    return {{4, 8, 2}, {6, 4, 2}};
  return {{4, 4, 1}, {4, 8, 1}, {4, 8, 2}};
}

std::vector<std::string> all_names() {
  std::vector<std::string> names(kExpectedOps.begin(), kExpectedOps.end());
  for (const auto& [alias, target] : kExpectedAliases) names.push_back(alias);
  return names;
}

TEST(OpRegistry, RegistersExactlyTheSpecOpsSorted) {
  std::vector<std::string> names;
  for (const OpInfo* info : registered_ops()) {
    names.push_back(info->name);
    EXPECT_FALSE(info->description.empty()) << info->name;
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), kExpectedOps);
  EXPECT_EQ(names.size(), kExpectedOps.size());
}

TEST(OpRegistry, AwNasAliasesResolve) {
  const auto aliases = op_aliases();
  const std::map<std::string, std::string> registered(aliases.begin(), aliases.end());
  EXPECT_EQ(registered, kExpectedAliases);
  for (const auto& [alias, target] : kExpectedAliases) {
    EXPECT_TRUE(is_known_op(alias));
    EXPECT_EQ(canonical_op_name(alias), target);
    EXPECT_EQ(&op_info(alias), &op_info(target));
  }
  for (const std::string& name : kExpectedOps) EXPECT_EQ(canonical_op_name(name), name);
  EXPECT_FALSE(is_known_op("conv_3x3"));
}

TEST(OpRegistry, UnknownOpListsKnownOps) {
  const SearchSpaceConfig space = xnor_space();
  Rng rng(1);
  const OpContext context{space, rng};
  EXPECT_TRUE(
      testing::throws_invalid_argument([&] { make_op("bconv_4x4", 4, 4, 1, context); },
                                       {"unknown op 'bconv_4x4'", "bconv_3x3", "skip_connect",
                                        "xnor_resnet_block", "xnor_conv_3x3 (bconv_3x3_skip)"}));
  EXPECT_TRUE(testing::throws_invalid_argument([&] { canonical_op_name("sep_conv_3x3"); },
                                               {"sep_conv_3x3", "dil_bconv_5x5"}));
}

TEST(OpRegistry, BadEdgesNameTheOpAndWidths) {
  SearchSpaceConfig space = xnor_space();
  Rng rng(1);
  const OpContext context{space, rng};
  for (const char* pool : {"avg_pool_3x3", "max_pool_3x3"})
    EXPECT_TRUE(testing::throws_invalid_argument([&] { make_op(pool, 4, 8, 1, context); },
                                                 {pool, "c_in 4", "c_out 8", "channel count"}));
  EXPECT_TRUE(testing::throws_invalid_argument([&] { make_op("identity", 4, 4, 2, context); },
                                               {"identity", "stride 2"}));
  EXPECT_TRUE(testing::throws_invalid_argument(
      [&] { make_op("factorized_reduce", 4, 8, 1, context); }, {"factorized_reduce", "stride 2"}));
  EXPECT_TRUE(testing::throws_invalid_argument(
      [&] { make_op("bin_factorized_reduce", 4, 7, 2, context); }, {"even c_out"}));
  EXPECT_TRUE(testing::throws_invalid_argument([&] { make_op("bconv_3x3", 4, 4, 0, context); },
                                               {"bconv_3x3", ">= 1"}));
  // The alias is named, and so is the op it stands for.
  space.downsample = Downsample::binary_factorized;
  EXPECT_TRUE(testing::throws_invalid_argument(
      [&] { make_op("xnor_conv_3x3", 4, 6, 2, context); },
      {"xnor_conv_3x3", "alias of 'bconv_3x3_skip'", "binary_factorized", "c_out == 2 * c_in"}));
  space.downsample = Downsample::avgpool;
  EXPECT_TRUE(
      testing::throws_invalid_argument([&] { make_op("skip_connect", 8, 4, 2, context); },
                                       {"skip_connect", "c_in 8", "c_out 4", "c_out must be >= c_in"}));
}

// ---- every op and alias, in two spaces ---------------------------------------------------

struct OpCase {
  std::string space;
  std::string name;
};

void PrintTo(const OpCase& c, std::ostream* os) {
  *os << c.name << " in the " << c.space << " space";
}

SearchSpaceConfig space_named(const std::string& name) {
  return testing::with_smooth_ste(name == "xnor" ? xnor_space() : bmxnet_space());
}

class EveryOp : public ::testing::TestWithParam<OpCase> {};

TEST_P(EveryOp, BuildsShapesAndGradients) {
  const SearchSpaceConfig space = space_named(GetParam().space);
  const std::string& name = GetParam().name;
  const OpInfo& info = op_info(name);
  int seed = 0;
  for (const Edge& e : supported_edges(info.name)) {
    SCOPED_TRACE(name + " c_in " + std::to_string(e.c_in) + " c_out " + std::to_string(e.c_out) +
                 " stride " + std::to_string(e.stride));
    Rng rng(100 + seed);
    const OpContext context{space, rng};
    std::unique_ptr<Module> op = make_op(name, e.c_in, e.c_out, e.stride, context);

    // Parameter and buffer names are unique dotted paths.
    std::set<std::string> names;
    for (auto& p : op->parameters()) EXPECT_TRUE(names.insert(p.name).second) << p.name;
    for (auto& b : op->buffers()) EXPECT_TRUE(names.insert(b.name).second) << b.name;

    // is_binary says whether binary convs are inside (these spaces' downsamples are FP).
    const int binary_weights = testing::count_params_with_role(*op, ParamRole::binary_weight);
    EXPECT_EQ(info.is_binary, binary_weights > 0);
    ASSERT_EQ(static_cast<int>(find_binary_convs(*op).size()), binary_weights);

    const Tensor x = testing::balanced_batch(5, 5, e.c_in, 200 + seed);
    const int out_hw = (5 + e.stride - 1) / e.stride;
    const Shape expected{2, out_hw, out_hw, e.c_out};
    EXPECT_EQ(op->forward(x, Mode::eval).shape(), expected);
    EXPECT_EQ(op->forward(x, Mode::train).shape(), expected);

    testing::prepare_binary_convs(*op, testing::random_tensor(x.shape(), 300 + seed));
    EXPECT_TRUE(testing::check_op_gradients(
        *op, [&](int k) { return testing::balanced_batch(5, 5, e.c_in, 200 + seed + 1000 * k); }));
    ++seed;
  }
}

std::vector<OpCase> every_op_case() {
  std::vector<OpCase> cases;
  for (const char* space : {"xnor", "bmxnet"})
    for (const std::string& name : all_names()) cases.push_back({space, name});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllOps, EveryOp, ::testing::ValuesIn(every_op_case()),
                         [](const ::testing::TestParamInfo<OpCase>& info) {
                           return info.param.space + "_" + info.param.name;
                         });

// ---- what individual ops are ---------------------------------------------------------------

class OpSemantics : public ::testing::Test {
 protected:
  SearchSpaceConfig space = xnor_space();
  Rng rng{5};
  OpContext context{space, rng};

  BinaryConvUnit& unit_of(Module& op) {
    auto* unit = dynamic_cast<BinaryConvUnit*>(&op);
    if (!unit) throw std::runtime_error(op.type_name() + " is not a BinaryConvUnit");
    return *unit;
  }
};

TEST_F(OpSemantics, ConvGeometries) {
  struct Expect {
    const char* name;
    int kernel, padding, dilation;
  };
  for (const Expect& e :
       {Expect{"bconv_1x1", 1, 0, 1}, Expect{"bconv_3x3", 3, 1, 1}, Expect{"bconv_5x5", 5, 2, 1},
        Expect{"dil_bconv_3x3", 3, 2, 2}, Expect{"dil_bconv_5x5", 5, 4, 2}}) {
    auto op = make_op(e.name, 4, 8, 2, context);
    const BinaryConv2dOptions& o = unit_of(*op).conv().options();
    EXPECT_EQ(o.kernel, e.kernel) << e.name;
    EXPECT_EQ(o.padding, e.padding) << e.name;
    EXPECT_EQ(o.dilation, e.dilation) << e.name;
    EXPECT_EQ(o.stride, 2) << e.name;
    EXPECT_EQ(o.groups, 1) << e.name;
    // The space's knobs are kept.
    EXPECT_EQ(o.weight_scale, WeightScale::channel);
    EXPECT_EQ(o.ste_threshold, 1.3f);
    EXPECT_EQ(o.weight_ste, WeightSte::clip);
  }
}

TEST_F(OpSemantics, GroupCountIsLargestOf421DividingBothWidths) {
  auto groups = [&](int c_in, int c_out) {
    auto op = make_op("group_bconv_3x3", c_in, c_out, 1, context);
    return unit_of(*op).conv().options().groups;
  };
  EXPECT_EQ(groups(4, 8), 4);
  EXPECT_EQ(groups(8, 12), 4);
  EXPECT_EQ(groups(6, 6), 2);
  EXPECT_EQ(groups(4, 6), 2);
  EXPECT_EQ(groups(3, 6), 1);
}

TEST_F(OpSemantics, SkipVariantsCarryTheShortcut) {
  for (const char* name : {"bconv_1x1", "bconv_3x3", "bconv_5x5", "dil_bconv_3x3", "dil_bconv_5x5",
                           "group_bconv_3x3"}) {
    auto plain = make_op(name, 4, 4, 1, context);
    EXPECT_EQ(unit_of(*plain).shortcut(), nullptr) << name;
    auto same = make_op(std::string(name) + "_skip", 4, 4, 1, context);
    ASSERT_NE(unit_of(*same).shortcut(), nullptr) << name;
    EXPECT_NE(dynamic_cast<Identity*>(unit_of(*same).shortcut()), nullptr) << name;
    auto wider = make_op(std::string(name) + "_skip", 4, 8, 2, context);
    ASSERT_NE(unit_of(*wider).shortcut(), nullptr) << name;
    EXPECT_EQ(dynamic_cast<Identity*>(unit_of(*wider).shortcut()), nullptr) << name;
  }
  auto aliased = make_op("xnor_conv_3x3_noskip", 4, 4, 1, context);
  EXPECT_EQ(unit_of(*aliased).shortcut(), nullptr);
}

TEST_F(OpSemantics, BinaryOpsFollowTheSpaceOrderExceptFixedOrderBlocks) {
  for (LayerOrder order : {LayerOrder::bn_conv_relu, LayerOrder::conv_bn_relu,
                           LayerOrder::sign_conv_bn, LayerOrder::bn_relu_conv}) {
    space.binary.layer_order = order;
    auto conv = make_op("bireal_conv_3x3", 4, 4, 1, context);
    EXPECT_EQ(unit_of(*conv).order(), order);
    EXPECT_EQ(unit_of(*conv).sign_input_is_post_relu(), order == LayerOrder::bn_relu_conv);
    auto pre = make_op("bin_conv_bn_1x1", 4, 8, 1, context);
    EXPECT_EQ(unit_of(*pre).order(), order);
    auto resnete = make_op("resnete_block", 4, 4, 1, context);
    EXPECT_EQ(unit_of(*resnete).order(), LayerOrder::sign_conv_bn);
  }
}

TEST_F(OpSemantics, SkipConnectIsParameterFreeAtEveryStride) {
  auto same = make_op("skip_connect", 4, 4, 1, context);
  EXPECT_NE(dynamic_cast<Identity*>(same.get()), nullptr);
  space.downsample = Downsample::fp_conv;  // must not leak into skip_connect
  auto reduce = make_op("skip_connect", 2, 4, 2, context);
  EXPECT_TRUE(reduce->parameters().empty());
  EXPECT_TRUE(op_info("skip_connect").parameter_free);
  // Average pool 3x3 (real taps only), then channels c and c + 2 equal.
  const Tensor x = testing::random_tensor({1, 4, 4, 2}, 21);
  const Tensor y = reduce->forward(x, Mode::eval);
  ASSERT_EQ(y.shape(), (Shape{1, 2, 2, 4}));
  const float corner = (x.at(0, 0, 0, 1) + x.at(0, 0, 1, 1) + x.at(0, 1, 0, 1) + x.at(0, 1, 1, 1)) / 4;
  EXPECT_FLOAT_EQ(y.at(0, 0, 0, 1), corner);
  EXPECT_EQ(y.at(0, 0, 0, 3), y.at(0, 0, 0, 1));
  EXPECT_EQ(y.at(0, 1, 1, 2), y.at(0, 1, 1, 0));
  testing::GradCheckOptions options;
  EXPECT_TRUE(testing::check_module_gradients(*reduce, x, options));
}

TEST_F(OpSemantics, ShortcutIsIdentityOrTheSpaceDownsample) {
  auto same = make_op("shortcut", 4, 4, 1, context);
  EXPECT_NE(dynamic_cast<Identity*>(same.get()), nullptr);
  EXPECT_FALSE(op_info("shortcut").parameter_free);
  space.downsample = Downsample::binary_conv;
  auto reduce = make_op("shortcut", 4, 8, 2, context);
  EXPECT_EQ(unit_of(*reduce).conv().options().stride, 2);
  EXPECT_EQ(unit_of(*reduce).shortcut(), nullptr);
}

TEST_F(OpSemantics, AvgPoolDividesByRealTapsOnly) {
  auto op = make_op("avg_pool_3x3", 1, 1, 1, context);
  Tensor x({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  const Tensor y = op->forward(x, Mode::eval);
  EXPECT_FLOAT_EQ(y.at(0, 0, 0, 0), (1 + 2 + 4 + 5) / 4.0f);  // corner: 4 real taps
  EXPECT_FLOAT_EQ(y.at(0, 1, 1, 0), 5.0f);
}

TEST_F(OpSemantics, NoneGivesZerosOfTheOutputWidth) {
  for (int c_out : {2, 4, 8}) {
    auto op = make_op("none", 4, c_out, 2, context);
    const Tensor x = testing::random_tensor({2, 5, 5, 4}, 3);
    const Tensor y = op->forward(x, Mode::train);
    EXPECT_EQ(y.shape(), (Shape{2, 3, 3, c_out}));
    for (float v : y.values()) EXPECT_EQ(v, 0.0f);
    const Tensor dx = op->backward(testing::random_tensor(y.shape(), 4));
    EXPECT_EQ(dx.shape(), x.shape());
    for (float v : dx.values()) EXPECT_EQ(v, 0.0f);
  }
}

// Splits a Residual (Branches "body" + "shortcut") into its parts.
std::pair<Module*, Module*> residual_parts(Module& m) {
  auto& r = dynamic_cast<Branches&>(m);
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(r.branch_name(0), "body");
  return {&r.branch(0), &r.branch(1)};
}

TEST_F(OpSemantics, XnorResnetBlockHasTheDoubleShortcut) {
  auto op = make_op("xnor_resnet_block", 4, 8, 2, context);
  auto& block = dynamic_cast<Sequential&>(*op);
  ASSERT_EQ(block.size(), 2u);
  auto [op1, skip] = residual_parts(block[0]);
  auto [op2, inner_skip] = residual_parts(block[1]);
  EXPECT_EQ(unit_of(*op1).conv().options().stride, 2);
  EXPECT_EQ(unit_of(*op2).conv().options().stride, 1);
  EXPECT_EQ(unit_of(*op2).conv().in_channels(), 8);
  EXPECT_NE(dynamic_cast<Identity*>(inner_skip), nullptr);

  const Tensor x = testing::random_tensor({2, 6, 6, 4}, 8);
  Tensor inner = op1->forward(x, Mode::eval);
  inner.add_(skip->forward(x, Mode::eval));
  Tensor expected = op2->forward(inner, Mode::eval);
  expected.add_(inner);
  EXPECT_TRUE(testing::bitwise_equal(op->forward(x, Mode::eval), expected));
}

TEST_F(OpSemantics, ResneteBlockIsSignConvBnPlusShortcut) {
  space.downsample = Downsample::avgpool_fp_conv;
  auto op = make_op("resnete_block", 4, 8, 2, context);
  BinaryConvUnit& unit = unit_of(*op);
  ASSERT_NE(unit.shortcut(), nullptr);
  const Tensor x = testing::random_tensor({2, 6, 6, 4}, 9);
  Tensor expected = unit.bn().forward(unit.conv().forward(x, Mode::eval), Mode::eval);
  expected.add_(unit.shortcut()->forward(x, Mode::eval));
  EXPECT_TRUE(testing::bitwise_equal(op->forward(x, Mode::eval), expected));
  // No ReLU anywhere: negative outputs survive.
  const Tensor y = op->forward(x, Mode::train);
  EXPECT_LT(*std::min_element(y.values().begin(), y.values().end()), 0.0f);
}

TEST_F(OpSemantics, BirealBlockIsTwoConvBnReluUnitsWithShortcuts) {
  auto op = make_op("bireal_resnet_block", 4, 8, 2, context);
  auto& block = dynamic_cast<Sequential&>(*op);
  ASSERT_EQ(block.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(unit_of(block[i]).order(), LayerOrder::conv_bn_relu);
    EXPECT_NE(unit_of(block[i]).shortcut(), nullptr);
  }
  EXPECT_EQ(unit_of(block[0]).conv().options().stride, 2);
  EXPECT_NE(dynamic_cast<Identity*>(unit_of(block[1]).shortcut()), nullptr);
}

TEST_F(OpSemantics, XnorVggBlockPoolsInsteadOfStriding) {
  auto reduce = make_op("xnor_vgg_block", 4, 8, 2, context);
  auto& block = dynamic_cast<Sequential&>(*reduce);
  ASSERT_EQ(block.size(), 2u);
  EXPECT_EQ(unit_of(block[0]).conv().options().stride, 1);
  EXPECT_EQ(block[1].type_name(), "MaxPool2d");
  auto normal = make_op("xnor_vgg_block", 4, 8, 1, context);
  EXPECT_EQ(dynamic_cast<Sequential&>(*normal).size(), 1u);
}

}  // namespace
}  // namespace bitnas

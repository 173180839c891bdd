// BinaryConvUnit computes each layer order of docs/DESIGN.md (Layer orders) exactly as the same
// layers composed by hand; Branches and ResizeChannels, the other building blocks of the op
// library.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ops/layers/add.hpp"
#include "ops/layers/batch_norm.hpp"
#include "ops/layers/binary_conv2d.hpp"
#include "ops/layers/concat.hpp"
#include "ops/layers/conv2d.hpp"
#include "ops/layers/identity.hpp"
#include "ops/layers/relu.hpp"
#include "search_spaces/binary_conv_unit.hpp"
#include "search_spaces/branches.hpp"
#include "search_spaces/downsample.hpp"
#include "search_spaces/resize_channels.hpp"
#include "tests/test_float_layers_util.hpp"
#include "tests/test_search_space_ops_util.hpp"

namespace bitnas {
namespace {

const LayerOrder kOrders[] = {LayerOrder::bn_conv_relu, LayerOrder::conv_bn_relu,
                              LayerOrder::sign_conv_bn, LayerOrder::bn_relu_conv};

enum class ShortcutKind { none, identity, fp_conv };

struct UnitCase {
  LayerOrder order;
  ShortcutKind shortcut;
};

void PrintTo(const UnitCase& c, std::ostream* os) {
  *os << to_string(c.order) << ", shortcut " << static_cast<int>(c.shortcut);
}

std::vector<UnitCase> unit_cases() {
  std::vector<UnitCase> cases;
  for (LayerOrder order : kOrders)
    for (ShortcutKind s : {ShortcutKind::none, ShortcutKind::identity, ShortcutKind::fp_conv})
      cases.push_back({order, s});
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<UnitCase>& info) {
  const char* shortcut[] = {"no_shortcut", "identity", "fp_conv"};
  return std::string(to_string(info.param.order)) + "_" +
         shortcut[static_cast<int>(info.param.shortcut)];
}

// The layers of one unit, built separately and given the unit's parameter values.
struct HandLayers {
  std::unique_ptr<BatchNorm> bn;
  std::unique_ptr<BinaryConv2d> conv;
  ReLU relu;
  std::unique_ptr<Module> shortcut;  // null: none
};

void copy_parameters(Module& from, Module& to) {
  auto src = from.parameters();
  auto dst = to.parameters();
  ASSERT_EQ(src.size(), dst.size());
  for (std::size_t i = 0; i < src.size(); ++i) {
    dst[i].param->value = src[i].param->value;
    dst[i].param->mark_modified();
  }
}

// docs/DESIGN.md, Layer orders, written out layer by layer.
Tensor hand_forward(LayerOrder order, HandLayers& l, const Tensor& x) {
  const Mode m = Mode::train;
  auto with_shortcut = [&](Tensor y, const Tensor& tap) {
    if (l.shortcut) y.add_(l.shortcut->forward(tap, m));
    return y;
  };
  switch (order) {
    case LayerOrder::bn_conv_relu: {
      const Tensor h = l.bn->forward(x, m);
      return l.relu.forward(with_shortcut(l.conv->forward(h, m), h), m);
    }
    case LayerOrder::conv_bn_relu:
      return l.relu.forward(l.bn->forward(with_shortcut(l.conv->forward(x, m), x), m), m);
    case LayerOrder::sign_conv_bn:
      return with_shortcut(l.bn->forward(l.conv->forward(x, m), m), x);
    case LayerOrder::bn_relu_conv:
      return with_shortcut(l.conv->forward(l.relu.forward(l.bn->forward(x, m), m), m), x);
  }
  return {};
}

Tensor hand_backward(LayerOrder order, HandLayers& l, const Tensor& g) {
  auto plus_shortcut = [&](Tensor gx, const Tensor& g_sum) {
    if (l.shortcut) gx.add_(l.shortcut->backward(g_sum));
    return gx;
  };
  switch (order) {
    case LayerOrder::bn_conv_relu: {
      const Tensor gy = l.relu.backward(g);
      return l.bn->backward(plus_shortcut(l.conv->backward(gy), gy));
    }
    case LayerOrder::conv_bn_relu: {
      const Tensor gy = l.bn->backward(l.relu.backward(g));
      return plus_shortcut(l.conv->backward(gy), gy);
    }
    case LayerOrder::sign_conv_bn:
      return plus_shortcut(l.conv->backward(l.bn->backward(g)), g);
    case LayerOrder::bn_relu_conv:
      return plus_shortcut(l.bn->backward(l.relu.backward(l.conv->backward(g))), g);
  }
  return {};
}

class UnitOrder : public ::testing::TestWithParam<UnitCase> {
 protected:
  SearchSpaceConfig space = testing::xnor_space();
  Rng rng{11};
  OpContext context{space, rng};

  int c_out() const { return GetParam().shortcut == ShortcutKind::fp_conv ? 8 : 4; }
  int stride() const { return GetParam().shortcut == ShortcutKind::fp_conv ? 2 : 1; }

  std::unique_ptr<BinaryConvUnit> make_unit() {
    const UnitCase& c = GetParam();
    std::unique_ptr<Module> shortcut;
    if (c.shortcut != ShortcutKind::none) shortcut = make_shortcut(4, c_out(), stride(), context);
    auto unit = make_binary_conv_unit(4, c_out(), same_padded(3, stride()), c.order,
                                      std::move(shortcut), context);
    // Non-trivial BN affine parameters, so a BN on the wrong tensor shows.
    for (auto& p : unit->parameters())
      if (p.param->role == ParamRole::norm) fill_uniform(p.param->value, rng, 0.5f, 1.5f);
    return unit;
  }
};

TEST_P(UnitOrder, MatchesTheLayersComposedByHand) {
  const UnitCase& c = GetParam();
  auto unit = make_unit();
  const bool norm_first =
      c.order == LayerOrder::bn_conv_relu || c.order == LayerOrder::bn_relu_conv;
  EXPECT_EQ(unit->bn().channels(), norm_first ? 4 : c_out());
  EXPECT_EQ(unit->sign_input_is_post_relu(), c.order == LayerOrder::bn_relu_conv);

  HandLayers hand;
  hand.bn = std::make_unique<BatchNorm>(unit->bn().channels(),
                                        BatchNormOptions{.eps = space.binary.bn_eps});
  hand.conv = std::make_unique<BinaryConv2d>(4, c_out(), unit->conv().options(), rng);
  if (c.shortcut == ShortcutKind::identity) {
    hand.shortcut = std::make_unique<Identity>();
  } else if (c.shortcut == ShortcutKind::fp_conv) {
    auto seq = std::make_unique<Sequential>();
    seq->add(std::make_unique<Conv2d>(4, 8, 1, rng, Conv2dOptions{.stride = 2}));
    seq->add(std::make_unique<BatchNorm>(8, BatchNormOptions{.eps = space.binary.bn_eps}));
    seq->add(std::make_unique<ReLU>());
    hand.shortcut = std::move(seq);
  }
  hand.bn->gamma()->value = unit->bn().gamma()->value;
  hand.bn->beta()->value = unit->bn().beta()->value;
  hand.conv->weight().value = unit->conv().weight().value;
  hand.conv->weight().mark_modified();
  if (hand.shortcut) copy_parameters(*unit->shortcut(), *hand.shortcut);

  const Tensor x = testing::random_tensor({2, 6, 6, 4}, 21);
  const Tensor y = unit->forward(x, Mode::train);
  EXPECT_TRUE(testing::bitwise_equal(y, hand_forward(c.order, hand, x)));
  EXPECT_EQ(y.shape(), (Shape{2, 6 / stride(), 6 / stride(), c_out()}));

  const Tensor g = testing::random_tensor(y.shape(), 22);
  unit->zero_grad();
  const Tensor gx = unit->backward(g);
  EXPECT_TRUE(testing::all_near(gx, hand_backward(c.order, hand, g), 1e-5));
  EXPECT_TRUE(testing::all_near(unit->conv().weight().grad, hand.conv->weight().grad, 1e-5));
  EXPECT_TRUE(testing::all_near(unit->bn().gamma()->grad, hand.bn->gamma()->grad, 1e-5));
  EXPECT_TRUE(testing::all_near(unit->bn().beta()->grad, hand.bn->beta()->grad, 1e-5));
}

// The layers in execution order, as docs/DESIGN.md (Layer orders) lists them.
std::vector<std::string> execution_order(LayerOrder order, bool shortcut) {
  std::vector<std::string> names;
  switch (order) {
    case LayerOrder::bn_conv_relu:
      names = {"bn", "conv", "shortcut", "relu"};
      break;
    case LayerOrder::conv_bn_relu:
      names = {"conv", "shortcut", "bn", "relu"};
      break;
    case LayerOrder::sign_conv_bn:
      names = {"conv", "bn", "shortcut"};
      break;
    case LayerOrder::bn_relu_conv:
      names = {"bn", "relu", "conv", "shortcut"};
      break;
  }
  if (!shortcut) names.erase(std::find(names.begin(), names.end(), "shortcut"));
  return names;
}

TEST_P(UnitOrder, ChildrenParametersAndGradients) {
  auto unit = make_unit();
  const bool fp_shortcut = GetParam().shortcut == ShortcutKind::fp_conv;
  std::vector<std::string> children, expected_params;
  for (const auto& [name, child] : unit->children()) children.push_back(name);
  EXPECT_EQ(children, execution_order(GetParam().order, GetParam().shortcut != ShortcutKind::none));
  for (const std::string& child : children) {
    if (child == "bn") expected_params.insert(expected_params.end(), {"bn.weight", "bn.bias"});
    if (child == "conv") expected_params.push_back("conv.weight");
    if (child == "shortcut" && fp_shortcut)
      expected_params.insert(expected_params.end(),
                             {"shortcut.conv.weight", "shortcut.bn.weight", "shortcut.bn.bias"});
  }
  std::vector<std::string> params;
  for (auto& p : unit->parameters()) params.push_back(p.name);
  EXPECT_EQ(params, expected_params);
  std::set<std::string> buffers;
  for (auto& b : unit->buffers()) buffers.insert(b.name);
  EXPECT_EQ(buffers.count("bn.running_mean"), 1u);
  EXPECT_EQ(buffers.size(), fp_shortcut ? 4u : 2u);
  EXPECT_TRUE(testing::backward_accumulates(*unit, testing::random_tensor({2, 5, 5, 4}, 3)));

  // A smooth activation estimator: see with_smooth_ste.
  space = testing::with_smooth_ste(space);
  auto smooth = make_unit();
  testing::prepare_binary_convs(*smooth, testing::random_tensor({2, 5, 5, 4}, 4));
  EXPECT_TRUE(testing::check_op_gradients(
      *smooth, [](int k) { return testing::balanced_batch(5, 5, 4, 30 + k); }));
}

INSTANTIATE_TEST_SUITE_P(AllOrders, UnitOrder, ::testing::ValuesIn(unit_cases()), case_name);

TEST(UnitOrders, SignConvBnHasNoReluAndReluOrdersAreNonNegative) {
  SearchSpaceConfig space = testing::xnor_space();
  Rng rng(2);
  const OpContext context{space, rng};
  const Tensor x = testing::random_tensor({2, 5, 5, 4}, 5);
  for (LayerOrder order : kOrders) {
    auto unit = make_binary_conv_unit(4, 4, same_padded(3, 1), order, nullptr, context);
    const Tensor y = unit->forward(x, Mode::train);
    const float lowest = *std::min_element(y.values().begin(), y.values().end());
    if (order == LayerOrder::bn_conv_relu || order == LayerOrder::conv_bn_relu)
      EXPECT_GE(lowest, 0.0f) << to_string(order);
    else
      EXPECT_LT(lowest, 0.0f) << to_string(order);
  }
}

// ---- Branches ----------------------------------------------------------------------------

TEST(Branches, MergesBranchOutputsAndSumsTheirInputGradients) {
  Rng rng(3);
  Branches pair("Pair", std::make_unique<Concat>());
  pair.add("a", std::make_unique<Conv2d>(3, 2, 1, rng));
  pair.add("b", std::make_unique<Conv2d>(3, 4, 3, rng, Conv2dOptions{.padding = 1}));
  auto& a = dynamic_cast<Conv2d&>(pair.branch(0));
  auto& b = dynamic_cast<Conv2d&>(pair.branch(1));
  EXPECT_EQ(pair.type_name(), "Pair");
  EXPECT_EQ(pair.branch_name(1), "b");

  const Tensor x = testing::random_tensor({2, 4, 4, 3}, 1);
  const Tensor y = pair.forward(x, Mode::train);
  Concat concat;
  EXPECT_TRUE(testing::bitwise_equal(
      y, concat.forward({a.forward(x, Mode::eval), b.forward(x, Mode::eval)}, Mode::eval)));
  std::vector<std::string> names;
  for (auto& p : pair.parameters()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a.weight", "b.weight"}));
  EXPECT_TRUE(testing::check_module_gradients(pair, x));
  EXPECT_TRUE(testing::backward_accumulates(pair, x));
}

TEST(Branches, ResidualAddsBodyAndShortcut) {
  Rng rng(4);
  auto residual =
      make_residual(std::make_unique<Conv2d>(3, 3, 1, rng), std::make_unique<Identity>());
  auto& body = dynamic_cast<Conv2d&>(residual->branch(0));
  const Tensor x = testing::random_tensor({2, 3, 3, 3}, 2);
  Tensor expected = body.forward(x, Mode::eval);
  expected.add_(x);
  EXPECT_TRUE(testing::bitwise_equal(residual->forward(x, Mode::eval), expected));
  EXPECT_EQ(residual->parameters().front().name, "body.weight");
  EXPECT_TRUE(testing::check_module_gradients(*residual, x));
}

TEST(Branches, RejectsNullAndEmpty) {
  EXPECT_TRUE(testing::throws_invalid_argument([] { Branches b("B", nullptr); }, {"merge"}));
  Branches empty("Empty", std::make_unique<Add>());
  EXPECT_TRUE(testing::throws_invalid_argument(
      [&] {
        empty.forward(Tensor({1, 2}), Mode::eval);
      },
      {"Empty", "no branches"}));
}

// ---- ResizeChannels ------------------------------------------------------------------------

TEST(ResizeChannels, AppendsZerosOrDropsChannels) {
  const Tensor x({1, 1, 2, 3}, {1, 2, 3, 4, 5, 6});
  ResizeChannels wider(3, 5);
  EXPECT_TRUE(testing::bitwise_equal(wider.forward(x, Mode::train),
                                     Tensor({1, 1, 2, 5}, {1, 2, 3, 0, 0, 4, 5, 6, 0, 0})));
  EXPECT_TRUE(testing::bitwise_equal(
      wider.backward(Tensor({1, 1, 2, 5}, {1, 2, 3, 9, 9, 4, 5, 6, 9, 9})), x));
  ResizeChannels narrower(3, 2);
  EXPECT_TRUE(
      testing::bitwise_equal(narrower.forward(x, Mode::train), Tensor({1, 1, 2, 2}, {1, 2, 4, 5})));
  EXPECT_TRUE(testing::bitwise_equal(narrower.backward(Tensor({1, 1, 2, 2}, {1, 2, 4, 5})),
                                     Tensor({1, 1, 2, 3}, {1, 2, 0, 4, 5, 0})));
  EXPECT_TRUE(testing::check_module_gradients(wider, testing::random_tensor({2, 3, 3, 3}, 1)));
  EXPECT_TRUE(testing::throws_invalid_argument(
      [&] {
        wider.forward(Tensor({1, 2, 2, 4}), Mode::eval);
      },
      {"ResizeChannels"}));
}

}  // namespace
}  // namespace bitnas

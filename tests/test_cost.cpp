// Cost accounting (docs/DESIGN.md, Cost accounting; docs/COST.md). The expected counts of both
// baselines are derived here from the architecture as docs/DESIGN.md (The baselines) describes it
// (layer by layer arithmetic, not read from the code), so a disagreement points at either the
// builder or the accounting.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/layers/binary_conv2d.hpp"
#include "ops/layers/conv2d.hpp"
#include "ops/layers/linear.hpp"
#include "ops/layers/relu.hpp"
#include "search_spaces/cost.hpp"
#include "search_spaces/model_spec.hpp"
#include "search_spaces/network.hpp"
#include "search_spaces/yaml_reader.hpp"

namespace bitnas {
namespace {

using i64 = std::int64_t;

// Costs derived by hand. Every MAC count is per image.
struct Expected {
  i64 fp_params = 0, binary_params = 0, flops = 0, bops = 0, fc_flops = 0;
  int fp_convs = 0, binary_convs = 0, affine_bns = 0;

  void fp_conv(i64 c_in, i64 c_out, i64 k, i64 out_hw) {
    fp_params += k * k * c_in * c_out;
    flops += k * k * c_in * c_out * out_hw * out_hw;
    ++fp_convs;
  }
  void binary_conv(i64 c_in, i64 c_out, i64 k, i64 out_hw) {
    binary_params += k * k * c_in * c_out;
    bops += k * k * c_in * c_out * out_hw * out_hw;
    ++binary_convs;
  }
  void bn(i64 channels) {  // gamma + beta; running statistics are buffers
    fp_params += 2 * channels;
    ++affine_bns;
  }
  void fc(i64 in, i64 classes) {  // weight + bias
    fp_params += in * classes + classes;
    flops += in * classes;
    fc_flops = in * classes;
  }
};

// xnor_resnet18 (docs/DESIGN.md, The baselines), small-image stem, fp_conv downsample.
// With `imagenet`, ResNet's ImageNet stem: Conv7x7 s2 in->64, BN, ReLU, MaxPool3 s2.
Expected xnor_resnet18_by_spec(i64 in_c, i64 hw, i64 classes, bool imagenet = false) {
  const std::vector<i64> widths = {64, 64, 64, 128, 128, 256, 256, 512, 512};
  const std::vector<int> reduce = {0, 0, 1, 0, 1, 0, 1, 0};
  Expected e;
  if (imagenet) {
    e.fp_conv(in_c, 64, 7, hw / 2);
    e.bn(64);
    hw /= 4;
  } else {
    e.fp_conv(in_c, 64, 3, hw);  // stem Conv3x3 in->64, BN, ReLU
    e.bn(64);
  }
  for (std::size_t c = 0; c < reduce.size(); ++c) {
    const i64 c_in = widths[c], c_out = widths[c + 1];
    if (reduce[c]) hw /= 2;
    e.bn(c_in);  // op1 = bn_conv_relu: BN(Cin) -> binary 3x3 Cin->Cout (cell stride)
    e.binary_conv(c_in, c_out, 3, hw);
    e.bn(c_out);  // op2 = bn_conv_relu: BN(Cout) -> binary 3x3 Cout->Cout
    e.binary_conv(c_out, c_out, 3, hw);
    if (reduce[c]) {  // skip at stride 2: FP Conv1x1 s2 -> BN -> ReLU
      e.fp_conv(c_in, c_out, 1, hw);
      e.bn(c_out);
    }
  }
  e.fc(512, classes);  // global average pool -> FC
  return e;
}

// resnete18 (docs/DESIGN.md, The baselines), thumbnail stem, AvgPool -> FP Conv1x1 -> BN shortcuts.
// With `imagenet`, BMXNet's ImageNet stem: BN(no affine), Conv7x7 s2, BN, ReLU, MaxPool3 s2, BN.
Expected resnete18_by_spec(i64 in_c, i64 hw, i64 classes, bool imagenet = false) {
  Expected e;
  if (imagenet) {
    e.fp_conv(in_c, 64, 7, hw / 2);
    e.bn(64);
    e.bn(64);
    hw /= 4;
  } else {
    // BN(no affine): no parameters; FP Conv3x3 s1 in->64; BN.
    e.fp_conv(in_c, 64, 3, hw);
    e.bn(64);
  }
  i64 c_in = 64;
  for (i64 stage_width : {64, 128, 256, 512}) {
    for (int block = 0; block < 4; ++block) {
      const bool down = block == 0 && stage_width != 64;
      if (down) hw /= 2;
      e.binary_conv(c_in, stage_width, 3, hw);  // BN(binconv3x3(sign x)), BN over Cout
      e.bn(stage_width);
      if (down) {  // AvgPool2x2 s2 -> FP Conv1x1 -> BN
        e.fp_conv(c_in, stage_width, 1, hw);
        e.bn(stage_width);
      }
      c_in = stage_width;
    }
  }
  e.fc(512, classes);  // ReLU -> global average pool -> FC with bias
  return e;
}

CostReport cost_of(const ModelSpec& spec, const InputSpec& input) {
  Rng rng(1);
  Network network(spec.space, spec.genotype, input, rng);
  return measure_costs(network);
}

void expect_report_matches(const CostReport& r, const Expected& e) {
  EXPECT_EQ(r.total.fp_params, e.fp_params);
  EXPECT_EQ(r.total.binary_params, e.binary_params);
  EXPECT_EQ(r.total.params(), e.fp_params + e.binary_params);
  EXPECT_EQ(r.total.flops, e.flops);
  EXPECT_EQ(r.total.bops, e.bops);
  EXPECT_EQ(r.total.ops(), static_cast<double>(e.flops) + static_cast<double>(e.bops) / 64.0);
  EXPECT_EQ(r.total.ops_without_fc(),
            static_cast<double>(e.flops - e.fc_flops) + static_cast<double>(e.bops) / 64.0);
  EXPECT_EQ(r.total.bytes(),
            static_cast<double>(e.binary_params) / 8.0 + 4.0 * static_cast<double>(e.fp_params));
  std::map<std::string, int> types;
  for (const LayerCost& l : r.layers) ++types[l.type];
  EXPECT_EQ(types["Conv2d"], e.fp_convs);
  EXPECT_EQ(types["BinaryConv2d"], e.binary_convs);
  EXPECT_EQ(types["BatchNorm"], e.affine_bns);
  EXPECT_EQ(types["Linear"], 1);
  EXPECT_EQ(r.layers.size(), static_cast<std::size_t>(e.fp_convs + e.binary_convs + e.affine_bns + 1));
}

// Totals are the sum of the layers, the parameter split agrees with the roles the network's
// parameters() reports, and the classifier is the last layer.
void expect_consistent(Network& network, const CostReport& r) {
  i64 fp = 0, bin = 0, flops = 0, bops = 0;
  for (const LayerCost& l : r.layers) {
    fp += l.fp_params;
    bin += l.binary_params;
    flops += l.flops;
    bops += l.bops;
  }
  EXPECT_EQ(r.total.fp_params, fp);
  EXPECT_EQ(r.total.binary_params, bin);
  EXPECT_EQ(r.total.flops, flops);
  EXPECT_EQ(r.total.bops, bops);
  i64 role_fp = 0, role_bin = 0;
  for (const NamedParameter& p : network.parameters())
    (p.param->role == ParamRole::binary_weight ? role_bin : role_fp) += p.param->value.numel();
  EXPECT_EQ(r.total.fp_params, role_fp);
  EXPECT_EQ(r.total.binary_params, role_bin);
  ASSERT_FALSE(r.layers.empty());
  EXPECT_TRUE(r.layers.back().classifier);
  EXPECT_EQ(r.total.classifier_flops, r.layers.back().flops);
  for (std::size_t i = 0; i + 1 < r.layers.size(); ++i) EXPECT_FALSE(r.layers[i].classifier);
}

TEST(Cost, XnorResnet18MatchesSpecArithmetic) {
  const InputSpec input{.channels = 3, .height = 32, .width = 32, .num_classes = 10};
  Rng rng(1);
  const ModelSpec spec = baseline_spec("xnor_resnet18");
  Network network(spec.space, spec.genotype, input, rng);
  const CostReport r = measure_costs(network);
  expect_report_matches(r, xnor_resnet18_by_spec(3, 32, 10));
  expect_consistent(network, r);
}

TEST(Cost, Resnete18MatchesSpecArithmetic) {
  const InputSpec input{.channels = 3, .height = 32, .width = 32, .num_classes = 10};
  Rng rng(1);
  const ModelSpec spec = baseline_spec("resnete18");
  Network network(spec.space, spec.genotype, input, rng);
  const CostReport r = measure_costs(network);
  expect_report_matches(r, resnete18_by_spec(3, 32, 10));
  expect_consistent(network, r);
}

// The ImageNet forms at 3x224x224 and 1000 classes, against the same arithmetic and the
// published figures: BMXNet-v2 gives ResNetE-18 1.63e8 OPs without the FC; ResNet-18's 16
// binary 3x3 convs are 1.68e9 BOPs (Bi-Real Net's count).
TEST(Cost, ImagenetFormsMatchSpecArithmeticAndThePublishedCosts) {
  const InputSpec imagenet{.channels = 3, .height = 224, .width = 224, .num_classes = 1000};
  const CostReport xnor = cost_of(baseline_spec("xnor_resnet18_imagenet"), imagenet);
  expect_report_matches(xnor, xnor_resnet18_by_spec(3, 224, 1000, true));
  const CostReport resnete = cost_of(baseline_spec("resnete18_imagenet"), imagenet);
  expect_report_matches(resnete, resnete18_by_spec(3, 224, 1000, true));
  for (const CostReport* r : {&xnor, &resnete}) {
    EXPECT_EQ(r->total.bops, 1'676'279'808);
    EXPECT_EQ(r->total.flops, 137'793'536);
    EXPECT_EQ(r->total.ops_without_fc(), 163'473'408.0);
    EXPECT_NEAR(r->total.ops_without_fc() / 1.63e8, 1.0, 0.005);
  }
  EXPECT_EQ(xnor.total.params(), 11'688'616);
  EXPECT_EQ(resnete.total.params(), 11'689'640);
  // The configs carry the input they were designed for.
  const auto designed = baseline_spec("resnete18_imagenet").designed_input;
  ASSERT_TRUE(designed.has_value());
  EXPECT_EQ(designed->height, 224);
  EXPECT_EQ(designed->classes, 1000);
}

// The block forms build the same layers as the cell forms, so they cost the same.
TEST(Cost, BlockFormsCostTheSameAsCellForms) {
  const InputSpec input{.channels = 3, .height = 32, .width = 32, .num_classes = 10};
  for (const std::string name : {"xnor_resnet18", "resnete18"}) {
    const CostTotals cells = cost_of(baseline_spec(name), input).total;
    const CostTotals blocks = cost_of(baseline_spec(name + "_blocks"), input).total;
    EXPECT_EQ(cells.fp_params, blocks.fp_params) << name;
    EXPECT_EQ(cells.binary_params, blocks.binary_params) << name;
    EXPECT_EQ(cells.flops, blocks.flops) << name;
    EXPECT_EQ(cells.bops, blocks.bops) << name;
  }
}

// Two cells at odd widths on a 5x5 image, so BOPs / 64 and binary / 8 are not whole numbers.
const char* kTinySpace = R"(search_space:
  num_cell_groups: 2
  num_init_nodes: 1
  num_layers: 2
  cell_layout: [0, 1]
  reduce_cell_groups: [1]
  num_steps: 2
  num_node_inputs: 1
  primitives: [bconv_3x3, bconv_1x1, max_pool_3x3, skip_connect]
  concat_op: concat
  layer_channels: [3, 3, 6]
  stem: conv_bn_relu_3x3
  preprocess: identity
  binary_op:
    layer_order: bn_conv_relu
)";

TEST(Cost, TinyGenotypeByHand) {
  const SearchSpaceConfig space = parse_search_space(
      ConfigSection::load_string(kTinySpace, "tiny.yaml").section("search_space"));
  const ModelSpec spec = model_spec_from_genotype(
      "normal_0=[('bconv_3x3', 0, 1), ('bconv_1x1', 1, 2)], normal_0_concat=[1, 2], "
      "reduce_1=[('max_pool_3x3', 0, 1), ('bconv_3x3', 1, 2)], reduce_1_concat=[2]",
      space);
  const InputSpec input{.channels = 1, .height = 5, .width = 5, .num_classes = 3};
  Rng rng(1);
  Network network(spec.space, spec.genotype, input, rng);
  const CostReport r = measure_costs(network);

  Expected e;
  e.fp_conv(1, 3, 3, 5);  // stem conv 1->3 at 5x5, BN(3)
  e.bn(3);
  e.bn(3);  // normal cell (width 3, 5x5): node1 = bconv_3x3(n0): BN(3) -> binary 3x3 3->3
  e.binary_conv(3, 3, 3, 5);
  e.bn(3);  // node2 = bconv_1x1(n1): BN(3) -> binary 1x1 3->3; output concat(n1, n2): 6 ch
  e.binary_conv(3, 3, 1, 5);
  // reduce cell (width 6): node1 = max_pool_3x3 stride 2 (5x5 -> 3x3, no cost),
  e.bn(6);  // node2 = bconv_3x3(n1) at stride 1: BN(6) -> binary 3x3 6->6 at 3x3
  e.binary_conv(6, 6, 3, 3);
  e.fc(6, 3);
  expect_report_matches(r, e);
  expect_consistent(network, r);
  // The fractions of OPs and bytes are kept, not rounded.
  EXPECT_NE(e.bops % 64, 0);
  EXPECT_NE(e.binary_params % 8, 0);

  // Per layer: names from the walk and shapes of the accounting forward.
  const LayerCost* stem_conv = nullptr;
  const LayerCost* reduce_conv = nullptr;
  for (const LayerCost& l : r.layers) {
    if (l.name == "stem.conv1") stem_conv = &l;
    if (l.type == "BinaryConv2d" && l.name.rfind("cells.1.", 0) == 0) reduce_conv = &l;
  }
  ASSERT_NE(stem_conv, nullptr);
  EXPECT_EQ(stem_conv->input_shape, (Shape{1, 5, 5, 1}));
  EXPECT_EQ(stem_conv->output_shape, (Shape{1, 5, 5, 3}));
  ASSERT_NE(reduce_conv, nullptr);
  EXPECT_EQ(reduce_conv->output_shape, (Shape{1, 3, 3, 6}));
  EXPECT_EQ(reduce_conv->bops, 9 * 6 * 6 * 9);
  EXPECT_EQ(r.layers.back().output_shape, (Shape{1, 3}));
}

// Input size scales MACs but not parameters.
TEST(Cost, MacsScaleWithTheImageParametersDoNot) {
  const ModelSpec spec = baseline_spec("resnete18");
  const CostTotals small = cost_of(spec, {.channels = 3, .height = 32, .width = 32, .num_classes = 10}).total;
  const CostTotals large = cost_of(spec, {.channels = 3, .height = 64, .width = 64, .num_classes = 10}).total;
  EXPECT_EQ(small.params(), large.params());
  EXPECT_EQ(large.bops, 4 * small.bops);
  EXPECT_EQ(large.flops - large.classifier_flops, 4 * (small.flops - small.classifier_flops));
}

// A container that keeps a layer out of children() would make the counts silently wrong.
class HidesItsConv : public Module {
 public:
  explicit HidesItsConv(Rng& rng) : conv_(2, 4, 3, rng, {.padding = 1}) {}
  std::string type_name() const override { return "HidesItsConv"; }
  Tensor forward(const Tensor& x, Mode mode) override { return conv_.forward(x, mode); }
  Tensor backward(const Tensor& g) override { return conv_.backward(g); }
  void collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) override {
    conv_.collect_parameters(prefix + "conv.", out);
  }

 private:
  Conv2d conv_;
};

TEST(Cost, RefusesContainersThatHideTheirLayers) {
  Rng rng(3);
  Sequential seq;
  seq.emplace<HidesItsConv>(rng);
  seq.forward(Tensor({1, 4, 4, 2}), Mode::eval);
  try {
    account_costs(seq);
    FAIL() << "no error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("0 (HidesItsConv)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("children()"), std::string::npos) << e.what();
  }
}

TEST(Cost, RefusesLayersThatDidNotRun) {
  Rng rng(3);
  Sequential seq;
  seq.emplace<Conv2d>(2, 4, 3, rng, Conv2dOptions{.padding = 1});
  EXPECT_THROW(account_costs(seq), std::logic_error);
}

TEST(Cost, CountsConvsAndFcOfAPlainSequential) {
  Rng rng(3);
  Sequential seq;
  seq.emplace<Conv2d>(2, 4, 3, rng, Conv2dOptions{.stride = 2, .padding = 1, .bias = true});
  seq.emplace<ReLU>();
  BinaryConv2dOptions b;
  b.kernel = 3;
  b.padding = 1;
  b.groups = 2;
  seq.emplace<BinaryConv2d>(4, 6, b, rng);
  // Train mode remembers shapes too; the batch does not change per-image costs.
  seq.forward(Tensor({3, 7, 7, 2}), Mode::train);
  const CostReport r = account_costs(seq);
  ASSERT_EQ(r.layers.size(), 2u);  // ReLU has neither parameters nor MACs
  EXPECT_EQ(r.layers[0].name, "0");
  EXPECT_EQ(r.layers[0].fp_params, 3 * 3 * 2 * 4 + 4);
  EXPECT_EQ(r.layers[0].flops, 3 * 3 * 2 * 4 * 4 * 4);  // 7x7 stride 2 -> 4x4; bias adds not counted
  EXPECT_EQ(r.layers[1].name, "2");
  EXPECT_EQ(r.layers[1].binary_params, 6 * 3 * 3 * 2);  // groups 2: 2 input channels per output
  EXPECT_EQ(r.layers[1].bops, 6 * 3 * 3 * 2 * 4 * 4);
  EXPECT_EQ(r.layers[1].input_shape, (Shape{3, 4, 4, 4}));
  EXPECT_EQ(r.total.classifier_flops, 0);  // no Linear
  EXPECT_EQ(r.total.ops_without_fc(), r.total.ops());
}

TEST(Cost, LinearRemembersItsInputShape) {
  Rng rng(3);
  Linear fc(5, 2, rng);
  EXPECT_TRUE(fc.last_input_shape().empty());
  fc.forward(Tensor({4, 1, 1, 5}), Mode::eval);
  EXPECT_EQ(fc.last_input_shape(), (Shape{4, 1, 1, 5}));
}

}  // namespace
}  // namespace bitnas

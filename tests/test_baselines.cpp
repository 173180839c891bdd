// The two baselines: both forms build, the cell form (a 2-node cell per ResNet basic block)
// computes the same function as the block form given the same weights, gradients flow
// through the whole network, and a training step runs.
#include <gtest/gtest.h>

#include "ops/layers/binary_conv2d.hpp"
#include "ops/layers/cross_entropy.hpp"
#include "ops/optim/adam.hpp"
#include "search_spaces/constant_sign_check.hpp"
#include "search_spaces/model_spec.hpp"
#include "search_spaces/network.hpp"
#include "tests/support/gradient_check.hpp"
#include "tests/test_search_space_ops_util.hpp"

namespace bitnas {
namespace {

// The baseline at a width that tests in milliseconds: every width divided by `divisor`.
ModelSpec narrowed(const std::string& name, int divisor) {
  ModelSpec spec = baseline_spec(name);
  for (int& w : spec.space.layer_channels) w /= divisor;
  return spec;
}

Tensor random_images(const InputSpec& in, int batch, std::uint64_t seed) {
  Tensor x({batch, in.height, in.width, in.channels});
  Rng rng(seed);
  fill_uniform(x, rng, -1.0f, 1.0f);
  return x;
}

// Copies every parameter and buffer of `from` into `to`, pairing them in order and checking
// that the two networks have the same tensors (count and shapes) in that order.
void copy_state(Network& from, Network& to) {
  auto src = from.parameters();
  auto dst = to.parameters();
  ASSERT_EQ(src.size(), dst.size());
  for (std::size_t i = 0; i < src.size(); ++i) {
    ASSERT_EQ(src[i].param->value.shape(), dst[i].param->value.shape())
        << src[i].name << " vs " << dst[i].name;
    ASSERT_EQ(src[i].param->role, dst[i].param->role) << src[i].name << " vs " << dst[i].name;
    dst[i].param->value = src[i].param->value;
    dst[i].param->mark_modified();
  }
  auto src_buffers = from.buffers();
  auto dst_buffers = to.buffers();
  ASSERT_EQ(src_buffers.size(), dst_buffers.size());
  for (std::size_t i = 0; i < src_buffers.size(); ++i) {
    ASSERT_EQ(src_buffers[i].tensor->shape(), dst_buffers[i].tensor->shape());
    *dst_buffers[i].tensor = *src_buffers[i].tensor;
  }
}

class BaselineForms : public ::testing::TestWithParam<std::string> {};

TEST_P(BaselineForms, CellFormEqualsBlockForm) {
  const std::string name = GetParam();
  const ModelSpec cells = narrowed(name, 8);
  const ModelSpec blocks = narrowed(name + "_blocks", 8);
  const InputSpec input{3, 16, 16, 10};
  Rng rng_a(1), rng_b(2);
  Network a(cells.space, cells.genotype, input, rng_a);
  Network b(blocks.space, blocks.genotype, input, rng_b);
  copy_state(a, b);
  if (HasFatalFailure()) return;
  const Tensor x = random_images(input, 3, 5);
  for (Mode mode : {Mode::train, Mode::eval}) {
    const Tensor ya = a.forward(x, mode);
    const Tensor yb = b.forward(x, mode);
    ASSERT_EQ(ya.shape(), (Shape{3, 10}));
    ASSERT_EQ(yb.shape(), ya.shape());
    for (std::int64_t i = 0; i < ya.numel(); ++i)
      ASSERT_EQ(ya[i], yb[i]) << name << " logit " << i << (mode == Mode::train ? " train" : " eval");
  }
}

TEST_P(BaselineForms, FullWidthForwardShape) {
  const ModelSpec spec = baseline_spec(GetParam());
  const InputSpec input{3, 32, 32, 10};
  Rng rng(3);
  Network net(spec.space, spec.genotype, input, rng);
  EXPECT_EQ(net.num_cells(), 8u);
  EXPECT_EQ(net.forward(random_images(input, 1, 4), Mode::eval).shape(), (Shape{1, 10}));
}

TEST_P(BaselineForms, WholeNetworkGradientCheck) {
  ModelSpec spec = narrowed(GetParam(), 16);
  // Bi-Real's approx_sign has a smooth surrogate; the baselines' clamp STE thresholds are
  // BinaryConv2d's tests' business, this test is about gradients crossing the whole graph.
  spec.space = testing::with_smooth_ste(spec.space);
  const InputSpec input{3, 8, 8, 5};
  Rng rng(6);
  Network net(spec.space, spec.genotype, input, rng);
  const int convs = testing::prepare_binary_convs(net, testing::balanced_batch(8, 8, 3, 99));
  EXPECT_EQ(convs, 16);
  // 16 binary convs deep, some sign() input (ResNetE signs the raw block input, with no BN in
  // front to keep it off zero) always lies within a step of its jump for some coordinate:
  // those coordinates are detected as kinks and skipped (at most 20% of them).
  testing::GradCheckOptions options;
  options.step = 1e-3f;
  options.abs_tolerance = 5e-3;
  options.max_checks_per_tensor = 12;
  options.skip_kinks = true;
  EXPECT_TRUE(testing::check_module_gradients(net, testing::balanced_batch(8, 8, 3, 100), options));
}

TEST_P(BaselineForms, TrainsAStep) {
  const ModelSpec spec = narrowed(GetParam(), 8);
  const InputSpec input{3, 16, 16, 10};
  Rng rng(8);
  Network net(spec.space, spec.genotype, input, rng);
  Adam adam(weight_decay_groups(net.parameters(), 1e-2f, 0.0f));
  const Tensor x = random_images(input, 8, 9);
  const std::vector<int> labels{0, 1, 2, 3, 4, 5, 6, 7};
  double first_loss = 0.0, last_loss = 0.0;
  for (int step = 0; step < 5; ++step) {
    adam.zero_grad();
    const Tensor logits = net.forward(x, Mode::train);
    const double loss = softmax_cross_entropy(logits, labels).loss;
    if (step == 0) first_loss = loss;
    last_loss = loss;
    net.backward(softmax_cross_entropy_grad(logits, labels));
    adam.step();
  }
  EXPECT_LT(last_loss, first_loss) << "five Adam steps on one batch should lower its loss";
}

INSTANTIATE_TEST_SUITE_P(Baselines, BaselineForms,
                         ::testing::Values("xnor_resnet18", "resnete18"),
                         [](const auto& info) { return info.param; });

TEST(Baselines, ShippedAsConfigs) {
  EXPECT_EQ(baseline_names(),
            (std::vector<std::string>{"resnete18", "resnete18_blocks", "resnete18_imagenet",
                                      "xnor_resnet18", "xnor_resnet18_blocks",
                                      "xnor_resnet18_imagenet"}));
  EXPECT_THROW(baseline_spec("resnet50"), std::invalid_argument);
}

}  // namespace
}  // namespace bitnas

namespace bitnas {
namespace {

TEST(ConstantSignCheck, FlagsSignOfAReluOutput) {
  ModelSpec spec = baseline_spec("xnor_resnet18");
  for (int& w : spec.space.layer_channels) w /= 16;
  Rng rng(1);
  Network fine(spec.space, spec.genotype, InputSpec{3, 8, 8, 10}, rng);
  EXPECT_TRUE(constant_sign_inputs(fine).empty()) << "bn_conv_relu: BN sits between ReLU and sign";
  spec.space.binary.layer_order = LayerOrder::bn_relu_conv;  // sign(ReLU(BN(x))) == +1
  Network constant(spec.space, spec.genotype, InputSpec{3, 8, 8, 10}, rng);
  const auto found = constant_sign_inputs(constant);
  EXPECT_EQ(found.size(), 16u);
  EXPECT_EQ(found.front(), "cells.0.node1.from0.bconv_3x3");
}

}  // namespace
}  // namespace bitnas

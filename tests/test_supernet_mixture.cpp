// Differentiable mode of the supernet: each node is the weighted sum of every candidate op on
// its incoming edges; ops of weight 0 do not run; dL/dw matches finite differences (summed over
// the cells of a group); one-hot weights compute exactly the path of that genotype.
#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ops/layers/batch_norm.hpp"
#include "search_spaces/supernet_cell.hpp"
#include "tests/test_search_space_ops_util.hpp"
#include "tests/test_supernet_util.hpp"

namespace bitnas {
namespace {

using testing::bit_identical;
using testing::random_tensor;

// One cell of two 1-input nodes on a single input: edges 0->1, 0->2, 1->2. The parameter-free
// ops plus one binary conv, with Bi-Real's smooth sign surrogate for gradient checks.
constexpr const char* kOneCellSpace = R"(
search_space:
  num_cell_groups: 1
  num_init_nodes: 1
  num_layers: 1
  cell_layout: [0]
  reduce_cell_groups: []
  num_steps: 2
  num_node_inputs: 1
  primitives: [skip_connect, avg_pool_3x3, max_pool_3x3, none, bconv_3x3]
  concat_op: concat
  layer_channels: [3, 3]
  binary_op:
    layer_order: bn_conv_relu
    weight_scale: channel
    activation_ste: approx_sign
)";

const std::vector<std::string> kOneCellPrimitives{"skip_connect", "avg_pool_3x3", "max_pool_3x3",
                                                  "none", "bconv_3x3"};

std::map<std::string, Module*> ops_by_name(SupernetCell& cell) {
  std::map<std::string, Module*> ops;
  for (const auto& [name, op] : cell.children()) ops[name] = op;
  return ops;
}

Tensor& running_mean_of(Module& op) { return find_modules<BatchNorm>(op).at(0)->running_mean(); }

TEST(SupernetMixture, NodesAreTheWeightedSumsOfTheirOps) {
  const SearchSpaceConfig space = testing::space_from_yaml(kOneCellSpace);
  Rng rng(1);
  SupernetCell cell(0, {StateSpec{3, 0}}, OpContext{space, rng});
  ASSERT_EQ(cell.num_edges(), 3);
  EXPECT_EQ(cell.output().channels, 6);
  // Rows: edges 0->1, 0->2, 1->2; columns: kOneCellPrimitives. Zeros on a pool of 0->2 and on
  // the pool and the binary conv of 1->2.
  const EdgeWeights w{{0.5f, -0.25f, 0.75f, 0.3f, 1.5f},
                      {0.2f, 0.4f, 0.0f, 0.1f, 0.6f},
                      {0.9f, 0.0f, 0.35f, 0.2f, 0.0f}};
  cell.select(cell.plan_mixture(w));
  std::map<std::string, Module*> ops = ops_by_name(cell);
  const Tensor skipped_stats = running_mean_of(*ops.at("node2.from1.bconv_3x3"));
  const Tensor used_stats = running_mean_of(*ops.at("node2.from0.bconv_3x3"));

  const Tensor x = random_tensor({2, 5, 5, 3}, 2);
  const Tensor y = cell.forward({x}, Mode::train);
  ASSERT_EQ(y.shape(), (Shape{2, 5, 5, 6}));
  EXPECT_TRUE(bit_identical(running_mean_of(*ops.at("node2.from1.bconv_3x3")), skipped_stats))
      << "an op of weight 0 must not run";
  EXPECT_FALSE(bit_identical(running_mean_of(*ops.at("node2.from0.bconv_3x3")), used_stats));

  // By hand, in double: node1 = sum_p w[0][p] op(x); node2 = sum_p w[1][p] op(x) +
  // sum_p w[2][p] op(node1). Ops are called again (train mode: batch statistics, so the same
  // outputs); those of weight 0 are left alone.
  const auto weighted_sum = [&](std::vector<double>& sum, int edge, const std::string& name,
                                const Tensor& input) {
    for (std::size_t p = 0; p < kOneCellPrimitives.size(); ++p) {
      if (w[edge][p] == 0.0f) continue;
      const Tensor out = ops.at(name + "." + kOneCellPrimitives[p])->forward(input, Mode::train);
      for (std::int64_t i = 0; i < out.numel(); ++i) sum[i] += static_cast<double>(w[edge][p]) * out[i];
    }
  };
  std::vector<double> node1(x.numel(), 0.0), node2(x.numel(), 0.0);
  weighted_sum(node1, 0, "node1.from0", x);
  Tensor node1_tensor(x.shape());
  for (std::int64_t i = 0; i < x.numel(); ++i) node1_tensor[i] = static_cast<float>(node1[i]);
  weighted_sum(node2, 1, "node2.from0", x);
  weighted_sum(node2, 2, "node2.from1", node1_tensor);
  for (int n = 0; n < 2; ++n)
    for (int h = 0; h < 5; ++h)
      for (int v = 0; v < 5; ++v)
        for (int c = 0; c < 3; ++c) {
          const std::int64_t i = ((n * 5 + h) * 5 + v) * 3 + c;
          ASSERT_NEAR(y.at(n, h, v, c), node1[i], 1e-5) << "node1 at " << i;
          ASSERT_NEAR(y.at(n, h, v, 3 + c), node2[i], 1e-4 * (1.0 + std::abs(node2[i])))
              << "node2 at " << i;
        }
}

TEST(SupernetMixture, ANodeWithAllWeightsZeroIsZero) {
  const SearchSpaceConfig space = testing::space_from_yaml(kOneCellSpace);
  Rng rng(3);
  SupernetCell cell(0, {StateSpec{3, 0}}, OpContext{space, rng});
  const EdgeWeights w{{0.0f, 0.0f, 0.0f, 0.0f, 0.0f},
                      {0.5f, 0.0f, 0.0f, 0.0f, 0.5f},
                      {1.0f, 0.0f, 0.0f, 0.0f, 0.0f}};
  cell.select(cell.plan_mixture(w));
  const Tensor x = random_tensor({2, 4, 4, 3}, 4);
  const Tensor y = cell.forward({x}, Mode::train);
  for (int n = 0; n < 2; ++n)
    for (int h = 0; h < 4; ++h)
      for (int v = 0; v < 4; ++v)
        for (int c = 0; c < 3; ++c) ASSERT_EQ(y.at(n, h, v, c), 0.0f);
  const std::vector<Tensor> dx = cell.backward(random_tensor(y.shape(), 5));
  ASSERT_EQ(dx.size(), 1u);
  EXPECT_EQ(dx[0].shape(), x.shape());

  // With concat_nodes the mixture merges only those nodes.
  SearchSpaceConfig only_last = space;
  only_last.concat_nodes = std::vector<int>{2};
  EXPECT_EQ(SupernetCell(0, {StateSpec{3, 0}}, OpContext{only_last, rng}).output().channels, 3);
}

// dL/dw of every weight against central differences of L = sum(logits * R), at two step sizes
// (a coordinate passes at either: a kink within one step is not a wrong gradient). The
// tolerance is tight enough to catch a gradient 1% off.
void expect_weight_gradients_match(const SearchSpaceConfig& space, const InputSpec& input,
                                   std::uint64_t seed) {
  Rng rng(seed);
  Supernet net(space, input, rng);
  EdgeWeights w(net.edges().size(), std::vector<float>(space.primitives.size()));
  for (auto& row : w)
    for (float& v : row) v = rng.uniform(0.2f, 1.0f);
  net.set_edge_weights(w);
  testing::prepare_binary_convs(net, testing::balanced_batch(input.height, input.width,
                                                             input.channels, seed + 1));
  const Tensor x = testing::balanced_batch(input.height, input.width, input.channels, seed + 2);
  const Tensor r = random_tensor({2, input.num_classes}, seed + 3);
  const auto loss = [&](const EdgeWeights& weights) {
    net.set_edge_weights(weights);
    const Tensor y = net.forward(x, Mode::train);
    double l = 0.0;
    for (std::int64_t i = 0; i < y.numel(); ++i) l += static_cast<double>(y[i]) * r[i];
    return l;
  };
  net.set_edge_weights(w);
  net.forward(x, Mode::train);
  net.backward(r);
  const EdgeWeights analytic = net.edge_weight_gradients();
  int wrong = 0, non_zero = 0;
  for (std::size_t e = 0; e < w.size(); ++e)
    for (std::size_t p = 0; p < w[e].size(); ++p) {
      const double a = analytic[e][p];
      non_zero += a != 0.0 ? 1 : 0;
      bool close = false;
      double numeric = 0.0;
      for (float step : {1e-3f, 4e-3f}) {
        EdgeWeights plus = w, minus = w;
        plus[e][p] += step;
        minus[e][p] -= step;
        numeric = (loss(plus) - loss(minus)) /
                  (static_cast<double>(plus[e][p]) - static_cast<double>(minus[e][p]));
        close |= std::abs(a - numeric) <= 5e-4 + 3e-3 * std::max(std::abs(a), std::abs(numeric));
      }
      if (!close) {
        ++wrong;
        ADD_FAILURE() << "dL/dw[" << e << "][" << space.primitives[p] << "]: analytic " << a
                      << ", numeric " << numeric;
      }
    }
  EXPECT_EQ(wrong, 0);
  // Only 'none' (zero output) has a zero gradient.
  EXPECT_GE(non_zero, static_cast<int>(w.size() * (space.primitives.size() - 1)));
}

TEST(SupernetMixture, WeightGradientsMatchFiniteDifferencesOneCell) {
  expect_weight_gradients_match(testing::space_from_yaml(kOneCellSpace),
                                {.channels = 1, .height = 6, .width = 6, .num_classes = 4}, 11);
}

// Three cells, two of group 0: their dL/dw add up in the group's rows.
TEST(SupernetMixture, WeightGradientsMatchFiniteDifferencesAcrossCells) {
  // The reduce-cell skip as a weighted shortcut: the parameter-free skip_connect averages
  // pixels into values so close to sign()'s kink that finite differences jump across it (its
  // own gradient is checked in OpSemantics.SkipConnectIsParameterFreeAtEveryStride).
  SearchSpaceConfig space = testing::with_smooth_ste(testing::space_from_yaml(testing::kConcatSpace));
  std::replace(space.primitives.begin(), space.primitives.end(), std::string("skip_connect"),
               std::string("shortcut"));
  expect_weight_gradients_match(space, testing::kTinyInput, 12);
}

TEST(SupernetMixture, InputAndParameterGradients) {
  const SearchSpaceConfig space = testing::space_from_yaml(kOneCellSpace);
  const InputSpec input{.channels = 1, .height = 6, .width = 6, .num_classes = 4};
  Rng rng(13);
  Supernet net(space, input, rng);
  EdgeWeights w(net.edges().size(), std::vector<float>(space.primitives.size()));
  for (auto& row : w)
    for (float& v : row) v = rng.uniform(0.2f, 1.0f);
  w[2][4] = 0.0f;  // a skipped binary conv: 0 gradients, analytically and numerically
  net.set_edge_weights(w);
  EXPECT_EQ(testing::prepare_binary_convs(net, testing::balanced_batch(6, 6, 1, 14)), 3);
  testing::GradCheckOptions options;
  options.max_checks_per_tensor = 16;
  options.skip_kinks = true;
  EXPECT_TRUE(testing::check_module_gradients(net, testing::balanced_batch(6, 6, 1, 15), options));
}

// GDAS-style hard weights: 1 on the genotype's ops, 0 elsewhere. Only those ops run, and the
// result is the path's, bit for bit.
TEST(SupernetMixture, OneHotWeightsComputeThePath) {
  const SearchSpaceConfig space = testing::space_from_yaml(testing::kConcatSpace);
  Rng rng(16);
  Supernet net(space, testing::kTinyInput, rng);
  const Genotype g = parse_genotype(
      "normal_0=[('bconv_3x3', 0, 2), ('skip_connect', 1, 2), ('bconv_1x1', 2, 3), "
      "('max_pool_3x3', 0, 3)], reduce_1=[('avg_pool_3x3', 0, 2), ('bconv_3x3', 1, 2), "
      "('none', 1, 3), ('bconv_1x1', 2, 3)]");
  EdgeWeights one_hot(net.edges().size(), std::vector<float>(space.primitives.size(), 0.0f));
  for (std::size_t e = 0; e < net.edges().size(); ++e) {
    const SupernetEdge& edge = net.edges()[e];
    for (const GenotypeEdge& ge : g.cell(edge.group).edges)
      if (ge.from == edge.from && ge.to == edge.to)
        for (std::size_t p = 0; p < space.primitives.size(); ++p)
          if (space.primitives[p] == ge.op) one_hot[e][p] = 1.0f;
  }
  const Tensor x = testing::random_images(testing::kTinyInput, 4, 17);
  const Tensor dy = random_tensor({4, testing::kTinyInput.num_classes}, 18);

  net.set_genotype(g);
  net.zero_grad();
  const Tensor path_y = net.forward(x, Mode::train);
  const Tensor path_dx = net.backward(dy);
  std::map<std::string, Tensor> path_grads;
  for (const NamedParameter& p : net.parameters()) path_grads[p.name] = p.param->grad;
  const std::set<const Parameter*> on_path = testing::parameter_set(net.active_parameters());

  net.set_edge_weights(one_hot);
  net.zero_grad();
  EXPECT_EQ(testing::parameter_set(net.active_parameters()), on_path);
  const auto before = capture_module_state(net);
  EXPECT_TRUE(bit_identical(net.forward(x, Mode::train), path_y));
  const Tensor dx = net.backward(dy);
  ASSERT_EQ(dx.shape(), path_dx.shape());
  for (std::int64_t i = 0; i < dx.numel(); ++i)
    ASSERT_NEAR(dx[i], path_dx[i], 1e-5 * (1.0 + std::abs(path_dx[i])));
  std::set<std::string> active_buffers;
  for (const NamedBuffer& b : net.active_buffers()) active_buffers.insert(b.name);
  for (const NamedParameter& p : net.parameters()) {
    const Tensor& expected = path_grads.at(p.name);
    for (std::int64_t i = 0; i < expected.numel(); ++i)
      ASSERT_NEAR(p.param->grad[i], expected[i], 1e-5 * (1.0 + std::abs(expected[i]))) << p.name;
  }
  for (const NamedBuffer& b : net.buffers()) {
    if (!active_buffers.count(b.name)) {
      EXPECT_TRUE(bit_identical(*b.tensor, before.at(b.name))) << b.name;
    }
  }
  // dL/dw is reported for the ops that ran (one per genotype edge) and 0 elsewhere.
  for (std::size_t e = 0; e < one_hot.size(); ++e)
    for (std::size_t p = 0; p < one_hot[e].size(); ++p)
      if (one_hot[e][p] == 0.0f) {
        EXPECT_EQ(net.edge_weight_gradients()[e][p], 0.0f);
      }
}

}  // namespace
}  // namespace bitnas

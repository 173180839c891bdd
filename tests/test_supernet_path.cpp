// Path mode of the supernet: a selected genotype computes exactly what a Network of that
// genotype computes on the supernet's weights; genotypes that share an op share its weights;
// ops off the path are not touched; bad genotypes are refused naming the cell and edge.
#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <string>
#include <vector>

#include "ops/layers/cross_entropy.hpp"
#include "ops/optim/adam.hpp"
#include "ops/optim/sgd.hpp"
#include "search_spaces/genotype_space.hpp"
#include "tests/test_supernet_util.hpp"

namespace bitnas {
namespace {

using testing::bit_identical;
using testing::kTinyInput;
using testing::random_images;
using testing::random_tensor;

// A and B share normal_0's ('bconv_3x3', 0, 2) and nothing else.
const char* const kGenotypeA =
    "normal_0=[('bconv_3x3', 0, 2), ('skip_connect', 1, 2), ('bconv_1x1', 2, 3), "
    "('max_pool_3x3', 0, 3)], reduce_1=[('avg_pool_3x3', 0, 2), ('bconv_3x3', 1, 2), "
    "('none', 1, 3), ('bconv_1x1', 2, 3)]";
const char* const kGenotypeB =
    "normal_0=[('bconv_3x3', 0, 2), ('avg_pool_3x3', 1, 2), ('skip_connect', 0, 3), "
    "('bconv_3x3', 2, 3)], reduce_1=[('max_pool_3x3', 0, 2), ('skip_connect', 1, 2), "
    "('bconv_1x1', 0, 3), ('bconv_3x3', 2, 3)]";
// Only node 3 is an output; node 2 feeds nothing in normal_0 (it is skipped), and reduce_1's
// node 3 is left out.
const char* const kGenotypeDeadNodes =
    "normal_0=[('bconv_3x3', 0, 2), ('skip_connect', 1, 2), ('bconv_1x1', 0, 3), "
    "('max_pool_3x3', 1, 3)], normal_0_concat=[3], reduce_1=[('avg_pool_3x3', 0, 2), "
    "('bconv_3x3', 1, 2), ('bconv_1x1', 2, 3), ('none', 0, 3)], reduce_1_concat=[2]";

std::vector<std::string> names_of(const std::vector<NamedParameter>& params) {
  std::vector<std::string> names;
  for (const auto& p : params) names.push_back(p.name);
  return names;
}

std::vector<std::string> names_of(const std::vector<NamedBuffer>& buffers) {
  std::vector<std::string> names;
  for (const auto& b : buffers) names.push_back(b.name);
  return names;
}

const Parameter* find_parameter(const std::vector<NamedParameter>& params, const std::string& name) {
  for (const auto& p : params)
    if (p.name == name) return p.param;
  return nullptr;
}

// The supernet on `genotype` against a fresh Network of it holding copies of the supernet's
// tensors: same parameter list, bit-identical logits (train and eval), input gradients and
// parameter gradients.
void expect_path_is_network(Supernet& supernet, const Genotype& genotype, std::uint64_t seed) {
  const SearchSpaceConfig& space = supernet.space();
  supernet.set_genotype(genotype);
  Rng rng(seed);
  Network network(space, genotype, kTinyInput, rng);
  testing::copy_supernet_into(supernet, network);
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_EQ(names_of(supernet.active_parameters()), names_of(network.parameters()));
  EXPECT_EQ(names_of(supernet.active_buffers()), names_of(network.buffers()));

  supernet.zero_grad();
  const Tensor x = random_images(kTinyInput, 4, seed + 1);
  const Tensor y = supernet.forward(x, Mode::train);
  ASSERT_TRUE(bit_identical(y, network.forward(x, Mode::train)));
  const Tensor dy = random_tensor(y.shape(), seed + 2);
  ASSERT_TRUE(bit_identical(supernet.backward(dy), network.backward(dy)));
  const std::vector<NamedParameter> supernet_params = supernet.parameters();
  for (const NamedParameter& p : network.parameters()) {
    const Parameter* shared = find_parameter(supernet_params, p.name);
    ASSERT_NE(shared, nullptr) << p.name;
    EXPECT_TRUE(bit_identical(shared->grad, p.param->grad)) << p.name;
  }
  EXPECT_TRUE(bit_identical(supernet.forward(x, Mode::eval), network.forward(x, Mode::eval)));
}

class SupernetPath : public ::testing::TestWithParam<std::string> {};

TEST_P(SupernetPath, ComputesTheNetworkOfTheGenotype) {
  const SearchSpaceConfig space = testing::space_from_yaml(
      GetParam() == "Concat" ? testing::kConcatSpace : testing::kSumSpace);
  Rng rng(1);
  Supernet supernet(space, kTinyInput, rng);
  std::vector<Genotype> genotypes{parse_genotype(kGenotypeA), parse_genotype(kGenotypeB)};
  const GenotypeSpace choices(space);
  for (int i = 0; i < 3; ++i) genotypes.push_back(choices.random(rng));
  if (space.concat_op != ConcatOp::concat) genotypes.push_back(parse_genotype(kGenotypeDeadNodes));
  std::uint64_t seed = 10;
  for (const Genotype& g : genotypes) {
    SCOPED_TRACE(::testing::Message() << "genotype " << seed / 10);
    expect_path_is_network(supernet, g, seed);
    if (HasFatalFailure()) return;
    seed += 10;
  }
}

INSTANTIATE_TEST_SUITE_P(Spaces, SupernetPath, ::testing::Values("Concat", "SumWithShortcut"),
                         [](const auto& info) { return info.param; });

TEST(SupernetPath, DeadNodesAndTheirOpsAreSkipped) {
  Rng rng(2);
  Supernet supernet(testing::space_from_yaml(testing::kSumSpace), kTinyInput, rng);
  supernet.set_genotype(parse_genotype(kGenotypeDeadNodes));
  const std::vector<std::string> active = names_of(supernet.active_parameters());
  const auto has = [&](const std::string& prefix) {
    for (const std::string& n : active)
      if (n.rfind(prefix, 0) == 0) return true;
    return false;
  };
  EXPECT_TRUE(has("cells.0.node3.from0.bconv_1x1."));
  EXPECT_FALSE(has("cells.0.node2.")) << "normal_0's node 2 does not reach the output";
  EXPECT_TRUE(has("cells.1.node2.from1.bconv_3x3."));
  EXPECT_FALSE(has("cells.1.node3.")) << "reduce_1's node 3 is not in its concat list";
}

TEST(SupernetPath, GenotypesSharingAnOpShareItsWeights) {
  const SearchSpaceConfig space = testing::space_from_yaml(testing::kConcatSpace);
  Rng rng(3);
  Supernet supernet(space, kTinyInput, rng);
  const Genotype a = parse_genotype(kGenotypeA), b = parse_genotype(kGenotypeB);
  const std::string shared = "cells.0.node2.from0.bconv_3x3.conv.weight";
  const std::string same_op_next_cell = "cells.2.node2.from0.bconv_3x3.conv.weight";

  supernet.set_genotype(b);
  const std::vector<NamedParameter> path_b = supernet.active_parameters();
  supernet.set_genotype(a);
  const std::vector<NamedParameter> path_a = supernet.active_parameters();
  const Parameter* in_a = find_parameter(path_a, shared);
  ASSERT_NE(in_a, nullptr);
  EXPECT_EQ(in_a, find_parameter(path_b, shared)) << "one op, one set of weights";
  // All cells of a group follow the genotype, each with its own weights.
  const Parameter* next_cell = find_parameter(path_a, same_op_next_cell);
  ASSERT_NE(next_cell, nullptr);
  EXPECT_NE(next_cell, in_a);

  // A training step on path A changes the shared op, and path B computes with the result.
  const auto before = capture_module_state(supernet);
  const Tensor x = random_images(kTinyInput, 4, 4);
  const std::vector<int> labels{0, 1, 2, 3};
  supernet.zero_grad();
  const Tensor logits = supernet.forward(x, Mode::train);
  supernet.backward(softmax_cross_entropy_grad(logits, labels));
  Sgd sgd(weight_decay_groups(path_a, 0.5f, 0.0f));
  sgd.step();
  EXPECT_FALSE(bit_identical(in_a->value, before.at(shared)));
  EXPECT_FALSE(bit_identical(next_cell->value, before.at(same_op_next_cell)));
  // B's own ops (not on A) did not move.
  const auto a_set = testing::parameter_set(path_a);
  for (const NamedParameter& p : path_b) {
    if (!a_set.count(p.param)) {
      EXPECT_TRUE(bit_identical(p.param->value, before.at(p.name))) << p.name;
    }
  }
  expect_path_is_network(supernet, b, 40);
}

// The optimizer of one path step is built over active_parameters(): every other parameter,
// its gradient, and every BN statistic off the path stay exactly as they were.
TEST(SupernetPath, OpsOffThePathAreUntouched) {
  const SearchSpaceConfig space = testing::space_from_yaml(testing::kConcatSpace);
  Rng rng(5);
  Supernet supernet(space, kTinyInput, rng);
  supernet.set_genotype(parse_genotype(kGenotypeA));
  const auto before = capture_module_state(supernet);
  const std::vector<NamedParameter> active = supernet.active_parameters();
  const auto active_set = testing::parameter_set(active);
  std::set<std::string> active_buffers;
  for (const NamedBuffer& b : supernet.active_buffers()) active_buffers.insert(b.name);

  supernet.zero_grad();
  for (int step = 0; step < 2; ++step) {
    const Tensor x = random_images(kTinyInput, 4, 6 + step);
    const std::vector<int> labels{4, 3, 2, 1};
    const Tensor logits = supernet.forward(x, Mode::train);
    supernet.backward(softmax_cross_entropy_grad(logits, labels));
    Adam adam(weight_decay_groups(supernet.active_parameters(), 1e-2f, 1e-3f));
    adam.step();
  }

  int off_path = 0, moved_on_path = 0;
  for (const NamedParameter& p : supernet.parameters()) {
    const bool changed = !bit_identical(p.param->value, before.at(p.name));
    if (active_set.count(p.param)) {
      moved_on_path += changed ? 1 : 0;
      continue;
    }
    ++off_path;
    EXPECT_FALSE(changed) << p.name;
    EXPECT_TRUE(bit_identical(p.param->grad, Tensor(p.param->grad.shape()))) << p.name;
  }
  int stats_moved_on_path = 0;
  for (const NamedBuffer& b : supernet.buffers()) {
    const bool changed = !bit_identical(*b.tensor, before.at(b.name));
    if (active_buffers.count(b.name)) stats_moved_on_path += changed ? 1 : 0;
    else EXPECT_FALSE(changed) << b.name;
  }
  EXPECT_GT(off_path, static_cast<int>(active.size()));
  EXPECT_GT(moved_on_path, static_cast<int>(active.size()) / 2);
  EXPECT_EQ(stats_moved_on_path, static_cast<int>(active_buffers.size()));
}

// Every op is a child with a Network-style dotted name, so parameters(), named_state() and
// checkpoints cover the whole supernet.
TEST(SupernetPath, IsAModuleForCheckpoints) {
  const SearchSpaceConfig space = testing::space_from_yaml(testing::kConcatSpace);
  Rng rng(6);
  Supernet supernet(space, kTinyInput, rng);
  std::vector<std::string> ops;
  for (const auto& [name, op] : supernet.named_ops()) ops.push_back(name);
  // stem; cell 0: 5 edges x 6 primitives; cell 1: preprocess0 (4 -> 8 wide) and 30 ops;
  // cell 2: preprocess0 (factorized reduce), preprocess1 (16 -> 8 wide) and 30 ops; head.
  EXPECT_EQ(ops.size(), 1u + 30u + 31u + 32u + 1u);
  EXPECT_EQ(ops.front(), "stem");
  EXPECT_EQ(ops[1], "cells.0.node2.from0.bconv_3x3");
  EXPECT_EQ(ops[31], "cells.1.preprocess0");
  EXPECT_EQ(ops[62], "cells.2.preprocess0");
  EXPECT_EQ(ops[63], "cells.2.preprocess1");
  EXPECT_EQ(ops[94], "head");
  const auto state = supernet.named_state();
  EXPECT_EQ(state.at("cells.2.node3.from1.bconv_3x3.conv.weight")->shape(), (Shape{8, 3, 3, 8}));
  EXPECT_TRUE(state.count("cells.1.node2.from0.bconv_1x1.bn.running_mean"));

  // A restored checkpoint computes the same path.
  Rng other_rng(60);
  Supernet restored(space, kTinyInput, other_rng);
  restore_module_state(restored, capture_module_state(supernet));
  const Genotype g = parse_genotype(kGenotypeB);
  supernet.set_genotype(g);
  restored.set_genotype(g);
  const Tensor x = random_images(kTinyInput, 3, 61);
  EXPECT_TRUE(bit_identical(supernet.forward(x, Mode::eval), restored.forward(x, Mode::eval)));
}

// Expects `f` to throw std::invalid_argument whose message contains every one of `parts`.
template <typename F>
void expect_error(F f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one mentioning " << parts.front();
  } catch (const std::invalid_argument& e) {
    for (const std::string& part : parts)
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "message: " << e.what() << "\nmissing: " << part;
  }
}

TEST(SupernetErrors, BadGenotypesNameTheCellAndEdge) {
  Rng rng(7);
  Supernet supernet(testing::space_from_yaml(testing::kConcatSpace), kTinyInput, rng);
  const std::string reduce = ", reduce_1=[('avg_pool_3x3', 0, 2), ('bconv_3x3', 1, 2), "
                             "('none', 1, 3), ('bconv_1x1', 2, 3)]";
  const auto set = [&](const std::string& text) {
    return [&supernet, text] { supernet.set_genotype(parse_genotype(text)); };
  };
  expect_error(set("normal_0=[('bconv_5x5', 0, 2), ('skip_connect', 1, 2), ('bconv_1x1', 2, 3), "
                   "('max_pool_3x3', 0, 3)]" + reduce),
               {"normal_0", "('bconv_5x5', 0, 2)", "primitives"});
  expect_error(set("normal_0=[('bconv_3x3', 0, 2), ('skip_connect', 1, 2), ('bconv_1x1', 2, 3)]" +
                   reduce),
               {"normal_0", "node 3 has 1 input"});
  expect_error(set("normal_0=[('bconv_3x3', 0, 2), ('skip_connect', 1, 2), ('bconv_1x1', 2, 3), "
                   "('max_pool_3x3', 0, 3)], normal_1=[('avg_pool_3x3', 0, 2), "
                   "('bconv_3x3', 1, 2), ('none', 1, 3), ('bconv_1x1', 2, 3)]"),
               {"normal_1", "reduce"});
  expect_error(set("normal_0=[('bconv_3x3', 0, 2), ('skip_connect', 1, 2), ('bconv_1x1', 2, 3), "
                   "('max_pool_3x3', 0, 3)], normal_0_concat=[3]" + reduce),
               {"cell 0 (normal_0)", "concatenates 2 output nodes", "has 1"});
  expect_error(set("normal_0=[('bconv_3x3', 0, 2), ('bconv_3x3', 0, 2), ('bconv_1x1', 2, 3), "
                   "('max_pool_3x3', 0, 3)]" + reduce),
               {"cell 0 (normal_0)", "edge ('bconv_3x3', 0, 2) appears twice"});
  EXPECT_FALSE(supernet.has_selection()) << "failed selections select nothing";
  EXPECT_THROW(supernet.forward(random_images(kTinyInput, 2, 1), Mode::eval), std::logic_error);
}

// Identity preprocess: the stem (4 wide) feeds cell 0 (8 wide) unchanged, so no pool can sit
// on an edge leaving a cell input there, and cell 2's first input (cell 0's output) is
// spatially larger than cell 2: nothing may read it.
constexpr const char* kIdentitySpace = R"(
search_space:
  num_cell_groups: 2
  num_init_nodes: 2
  num_layers: 3
  cell_layout: [0, 1, 0]
  reduce_cell_groups: [1]
  num_steps: 2
  num_node_inputs: 2
  primitives: [bconv_3x3, skip_connect, avg_pool_3x3]
  concat_op: sum
  layer_channels: [4, 8, 8, 8]
  preprocess: identity
)";

TEST(SupernetErrors, OpsThatCannotSitOnAnEdgeAreRefusedWhenSelected) {
  Rng rng(8);
  Supernet supernet(testing::space_from_yaml(kIdentitySpace), kTinyInput, rng);
  const std::string reduce =
      ", reduce_1=[('bconv_3x3', 0, 2), ('bconv_3x3', 1, 2), ('skip_connect', 1, 3), "
      "('bconv_3x3', 2, 3)]";
  const Genotype good = parse_genotype(
      "normal_0=[('bconv_3x3', 1, 2), ('skip_connect', 1, 2), ('avg_pool_3x3', 2, 3), "
      "('bconv_3x3', 1, 3)]" + reduce);
  supernet.set_genotype(good);
  const Tensor x = random_images(kTinyInput, 2, 9);
  const Tensor y = supernet.forward(x, Mode::train);

  expect_error([&] {
    supernet.set_genotype(parse_genotype(
        "normal_0=[('avg_pool_3x3', 1, 2), ('skip_connect', 1, 2), ('avg_pool_3x3', 2, 3), "
        "('bconv_3x3', 1, 3)]" + reduce));
  }, {"cell 0 (normal_0)", "edge ('avg_pool_3x3', 1, 2)", "c_in 4, c_out 8"});
  expect_error([&] {
    supernet.set_genotype(parse_genotype(
        "normal_0=[('bconv_3x3', 0, 2), ('skip_connect', 1, 2), ('avg_pool_3x3', 2, 3), "
        "('bconv_3x3', 1, 3)]" + reduce));
  }, {"cell 2 (normal_0)", "input 0 is spatially larger"});
  // A refused genotype leaves the previous path in place.
  ASSERT_TRUE(supernet.genotype().has_value());
  EXPECT_EQ(*supernet.genotype(), good);
  EXPECT_TRUE(bit_identical(supernet.forward(x, Mode::train), y));

  // The same ops with a non-zero mixture weight.
  EdgeWeights w(supernet.edges().size(), std::vector<float>(3, 0.5f));
  expect_error([&] { supernet.set_edge_weights(w); },
               {"cell 0 (normal_0)", "edge 0 -> 2", "primitive 'avg_pool_3x3'", "c_in 4, c_out 8"});
  for (auto& row : w) row[2] = 0.0f;
  expect_error([&] { supernet.set_edge_weights(w); },
               {"cell 2 (normal_0)", "edge 0 -> 2", "primitive 'bconv_3x3'", "spatially larger"});
}

TEST(SupernetErrors, BadEdgeWeightsAndSpaces) {
  const SearchSpaceConfig space = testing::space_from_yaml(testing::kConcatSpace);
  Rng rng(9);
  Supernet supernet(space, kTinyInput, rng);
  const std::size_t rows = supernet.edges().size();
  EXPECT_EQ(rows, 2u * 5u);
  expect_error([&] { supernet.set_edge_weights(EdgeWeights(rows - 1, std::vector<float>(6, 1.0f))); },
               {"9 rows", "10 supernet edges"});
  EdgeWeights w(rows, std::vector<float>(6, 1.0f));
  w[3].pop_back();
  expect_error([&] { supernet.set_edge_weights(w); }, {"cell 0 (normal_0)", "edge 1 -> 3", "5 weights for 6"});
  w[3].push_back(std::numeric_limits<float>::quiet_NaN());
  expect_error([&] { supernet.set_edge_weights(w); },
               {"cell 0 (normal_0)", "edge 1 -> 3", "primitive 'none'", "not finite"});

  SearchSpaceConfig loose = space;
  loose.loose_end = true;
  expect_error([&] { Supernet s(loose, kTinyInput, rng); }, {"cell 0", "loose_end", "concat_op"});
}

}  // namespace
}  // namespace bitnas

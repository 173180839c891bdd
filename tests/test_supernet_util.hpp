#pragma once
// Spaces, inputs and state copies shared by the supernet tests.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "ops/core/random.hpp"
#include "search_spaces/genotype_parser.hpp"
#include "search_spaces/network.hpp"
#include "search_spaces/search_space_config.hpp"
#include "search_spaces/supernet.hpp"
#include "search_spaces/yaml_reader.hpp"
#include "storage/module_state.hpp"

namespace bitnas::testing {

// Three cells (normal, reduce, normal) of two 2-input nodes, six primitives (two binary
// convs, every parameter-free op). Cell 1 preprocesses its first input (the stem, 4 wide) with
// a binary 1x1 conv; cell 2 its first input with a factorized reduce (it is spatially larger)
// and its second (16 wide) with a binary 1x1 conv.
inline constexpr const char* kConcatSpace = R"(
search_space:
  num_cell_groups: 2
  num_init_nodes: 2
  num_layers: 3
  cell_layout: [0, 1, 0]
  reduce_cell_groups: [1]
  num_steps: 2
  num_node_inputs: 2
  primitives: [bconv_3x3, bconv_1x1, skip_connect, avg_pool_3x3, max_pool_3x3, none]
  concat_op: concat
  layer_channels: [4, 4, 8, 8]
  stem: conv_bn_relu_3x3
  preprocess: binary
  binary_op:
    layer_order: bn_conv_relu
    weight_scale: channel
)";

// The same skeleton with full-precision preprocess, sum of the output nodes and the
// cell-wise shortcut: genotypes may leave nodes out of the output.
inline constexpr const char* kSumSpace = R"(
search_space:
  num_cell_groups: 2
  num_init_nodes: 2
  num_layers: 3
  cell_layout: [0, 1, 0]
  reduce_cell_groups: [1]
  num_steps: 2
  num_node_inputs: 2
  primitives: [bconv_3x3, bconv_1x1, skip_connect, avg_pool_3x3, max_pool_3x3, none]
  concat_op: sum
  layer_channels: [4, 4, 8, 8]
  stem: conv_bn_relu_3x3
  preprocess: darts
  cell_shortcut: true
  binary_op:
    layer_order: bn_conv_relu
    weight_scale: channel
)";

inline SearchSpaceConfig space_from_yaml(const char* text) {
  return parse_search_space(ConfigSection::load_string(text, "space.yaml").section("search_space"));
}

inline const InputSpec kTinyInput{.channels = 1, .height = 8, .width = 8, .num_classes = 5};

inline Tensor random_tensor(const Shape& shape, std::uint64_t seed, float lo = -1.0f,
                            float hi = 1.0f) {
  Tensor t(shape);
  Rng rng(seed);
  fill_uniform(t, rng, lo, hi);
  return t;
}

inline Tensor random_images(const InputSpec& in, int batch, std::uint64_t seed) {
  return random_tensor({batch, in.height, in.width, in.channels}, seed);
}

// Copies the supernet tensors a Network of the same space has into it. restore_module_state
// refuses unless every name and shape of the network's state matches, so a pass also shows
// that a Network's checkpoint names are a subset of the supernet's.
inline void copy_supernet_into(Supernet& supernet, Network& network) {
  const std::map<std::string, Tensor> all = capture_module_state(supernet);
  std::map<std::string, Tensor> wanted;
  for (const auto& [name, tensor] : network.named_state()) {
    const auto it = all.find(name);
    ASSERT_NE(it, all.end()) << "the supernet has no tensor " << name;
    wanted.emplace(name, it->second);
  }
  restore_module_state(network, wanted);
}

inline std::set<const Parameter*> parameter_set(const std::vector<NamedParameter>& params) {
  std::set<const Parameter*> set;
  for (const NamedParameter& p : params) set.insert(p.param);
  return set;
}

inline ::testing::AssertionResult bit_identical(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape())
    return ::testing::AssertionFailure() << a.shape_string() << " vs " << b.shape_string();
  for (std::int64_t i = 0; i < a.numel(); ++i)
    if (a[i] != b[i])
      return ::testing::AssertionFailure() << "element " << i << ": " << a[i] << " vs " << b[i];
  return ::testing::AssertionSuccess();
}

}  // namespace bitnas::testing

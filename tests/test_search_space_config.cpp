#include <gtest/gtest.h>

#include "search_spaces/search_space_config.hpp"

namespace bitnas {
namespace {

const char* kValid = R"(search_space:
  num_cell_groups: 2
  num_init_nodes: 2
  num_layers: 4
  cell_layout: [0, 1, 0, 1]
  reduce_cell_groups: [1]
  num_steps: 3
  num_node_inputs: 2
  primitives: [bconv_3x3, skip_connect, none]
  init_channels: 8
  binary_op:
    layer_order: sign_conv_bn
    pad_mode: minus_one
    weight_scale: channel
    ste_threshold: 1.3
)";

SearchSpaceConfig parse(const std::string& text) {
  return parse_search_space(ConfigSection::load_string(text, "space.yaml").section("search_space"));
}

TEST(SearchSpaceConfig, ParsesAndDerivesWidths) {
  const SearchSpaceConfig c = parse(kValid);
  EXPECT_EQ(c.num_layers, 4);
  EXPECT_EQ(c.layer_channels, (std::vector<int>{8, 8, 16, 16, 32}));
  EXPECT_TRUE(c.is_reduce_layer(1));
  EXPECT_FALSE(c.is_reduce_layer(2));
  EXPECT_EQ(c.binary.layer_order, LayerOrder::sign_conv_bn);
  EXPECT_EQ(c.binary.conv.pad_mode, PadMode::minus_one);
  EXPECT_EQ(c.binary.conv.weight_scale, WeightScale::channel);
  EXPECT_FLOAT_EQ(c.binary.conv.ste_threshold, 1.3f);
  EXPECT_EQ(c.concat_op, ConcatOp::concat);
}

struct BadCase {
  const char* name;
  std::string replace_from, replace_to;
  std::string expected_message;
};

class SearchSpaceConfigErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(SearchSpaceConfigErrors, NamesFileLineAndKey) {
  const BadCase& bad = GetParam();
  std::string text = kValid;
  const auto at = text.find(bad.replace_from);
  ASSERT_NE(at, std::string::npos) << bad.replace_from;
  text.replace(at, bad.replace_from.size(), bad.replace_to);
  try {
    parse(text);
    FAIL() << "no error for " << bad.name;
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), bad.expected_message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, SearchSpaceConfigErrors,
    ::testing::Values(
        BadCase{"layout_length", "cell_layout: [0, 1, 0, 1]", "cell_layout: [0, 1, 0]",
                "space.yaml:5: search_space.cell_layout: has 3 entries but num_layers is 4"},
        BadCase{"layout_group", "cell_layout: [0, 1, 0, 1]", "cell_layout: [0, 1, 2, 1]",
                "space.yaml:5: search_space.cell_layout: entry 2 is group 2, but groups are 0..1"},
        BadCase{"reduce_group", "reduce_cell_groups: [1]", "reduce_cell_groups: [3]",
                "space.yaml:6: search_space.reduce_cell_groups: group 3 does not exist (groups "
                "are 0..1)"},
        BadCase{"unknown_key", "num_steps: 3", "num_stepz: 3",
                "space.yaml:7: search_space.num_stepz: unknown key"},
        BadCase{"wrong_type", "num_layers: 4", "num_layers: four",
                "space.yaml:4: search_space.num_layers: expected an integer, got 'four'"},
        BadCase{"bad_pad", "pad_mode: minus_one", "pad_mode: minus",
                "space.yaml:13: search_space.binary_op.pad_mode: unknown pad mode 'minus' "
                "(expected zero, plus_one or minus_one)"},
        BadCase{"bad_order", "layer_order: sign_conv_bn", "layer_order: conv_sign",
                "space.yaml:12: search_space.binary_op.layer_order: 'conv_sign' is not one of: "
                "bn_conv_relu, conv_bn_relu, sign_conv_bn, bn_relu_conv"},
        BadCase{"binary_unknown", "ste_threshold: 1.3", "ste_treshold: 1.3",
                "space.yaml:15: search_space.binary_op.ste_treshold: unknown key"},
        BadCase{"concat_nodes", "num_node_inputs: 2", "num_node_inputs: 2\n  concat_nodes: [1, 4]",
                "space.yaml:9: search_space.concat_nodes: node 1 is not an internal node (2..4)"},
        BadCase{"widths_both", "init_channels: 8", "init_channels: 8\n  layer_channels: [8, 8, 16, 16, 32]",
                "space.yaml:11: search_space.layer_channels: give either init_channels or "
                "layer_channels, not both"},
        BadCase{"widths_count", "init_channels: 8", "layer_channels: [8, 8, 16]",
                "space.yaml:10: search_space.layer_channels: has 3 entries but needs num_layers + "
                "1 = 5 (stem, then each cell)"},
        BadCase{"duplicate_primitive", "[bconv_3x3, skip_connect, none]",
                "[bconv_3x3, skip_connect, bconv_3x3]",
                "space.yaml:9: search_space.primitives: 'bconv_3x3' is listed twice"},
        BadCase{"alias_duplicate", "[bconv_3x3, skip_connect, none]",
                "[bconv_3x3, skip_connect, xnor_conv_3x3_noskip]",
                "space.yaml:9: search_space.primitives: 'xnor_conv_3x3_noskip' is listed twice"},
        BadCase{"nonpositive", "num_steps: 3", "num_steps: 0",
                "space.yaml:7: search_space.num_steps: must be in [1, 32], got 0"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace bitnas

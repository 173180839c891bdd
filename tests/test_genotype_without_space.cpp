// Genotypes that come without their space, as aw_nas's derive writes them: a top-level YAML
// list of genotype strings, cells with one input node, ops outside the default primitives.
#include <gtest/gtest.h>

#include <fstream>

#include "nas/genotype_file.hpp"
#include "nas/model_argument.hpp"
#include "search_spaces/genotype_parser.hpp"
#include "search_spaces/genotype_space_inference.hpp"
#include "tests/support/data_files.hpp"
#include "tests/support/error_text.hpp"

namespace bitnas {
namespace {

const char* kBlocks = "normal_0=[('xnor_resnet_block', 0, 1)], reduce_1=[('xnor_resnet_block', 0, 1)]";
const char* kOneInputCell =
    "normal_0=[('xnor_conv_3x3_cond_skip', 0, 1), ('xnor_conv_1x1_noskip', 1, 2)], "
    "reduce_1=[('xnor_conv_3x3_cond_skip', 0, 1), ('skip_connect', 1, 2)]";

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(GenotypeWithoutSpace, CellShapeIsReadOffTheGenotype) {
  const InferredCellShape one = infer_cell_shape(parse_genotype(kOneInputCell));
  EXPECT_EQ(one.num_init_nodes, 1);
  EXPECT_EQ(one.num_steps, 2);
  EXPECT_EQ(one.num_node_inputs, 1);
  const InferredCellShape darts = infer_cell_shape(parse_genotype(
      "normal_0=[('a', 0, 2), ('b', 1, 2), ('a', 0, 3), ('b', 2, 3), ('a', 3, 4), ('b', 1, 4), "
      "('a', 2, 5), ('b', 4, 5)]"));
  EXPECT_EQ(darts.num_init_nodes, 2);
  EXPECT_EQ(darts.num_steps, 4);
  EXPECT_EQ(darts.num_node_inputs, 2);
}

TEST(GenotypeWithoutSpace, DescribeReshapesTheDefaultSpaceWhenTheOpsAllowIt) {
  const ModelSpec spec = cli::resolve_model_argument(kOneInputCell, std::nullopt);
  EXPECT_EQ(spec.space.num_init_nodes, 1);
  EXPECT_EQ(spec.space.num_steps, 2);
  EXPECT_EQ(spec.space.num_node_inputs, 1);
}

TEST(GenotypeWithoutSpace, BlockGenotypesGoToTheOneBaselineSpaceTheyFit) {
  const ModelSpec spec = cli::resolve_model_argument(kBlocks, std::nullopt);
  EXPECT_EQ(spec.space.layer_channels, baseline_spec("xnor_resnet18_blocks").space.layer_channels);
}

TEST(GenotypeWithoutSpace, UnknownOpsNameTheOpAndTheWayOut) {
  const std::string text = "normal_0=[('my_op', 0, 1)], reduce_1=[('my_op', 0, 1)]";
  const std::string error = testing::error_of([&] { cli::resolve_model_argument(text, std::nullopt); });
  EXPECT_TRUE(testing::contains(error, "'my_op'")) << error;
  EXPECT_TRUE(testing::contains(error, "--config")) << error;
  // Drawing needs no network: any op names, the cell shape read off the genotype.
  const ModelSpec drawn = cli::resolve_model_argument(text, std::nullopt, cli::ModelUse::draw);
  EXPECT_EQ(drawn.space.num_init_nodes, 1);
  EXPECT_EQ(drawn.genotype.cells.size(), 2u);
}

TEST(GenotypeWithoutSpace, AwNasDeriveOutputIsAGenotypeFile) {
  testing::TempDir dir;
  const std::string path = dir.file("derived.yaml");
  write_text(path, std::string("- \"") + kBlocks + "\"\n- \"" + kOneInputCell + "\"\n");
  EXPECT_EQ(cli::read_genotype_file(path, 1), kBlocks);
  EXPECT_EQ(cli::read_genotype_file(path, 2), kOneInputCell);
  EXPECT_EQ(cli::read_genotype_list(path).size(), 2u);
  EXPECT_TRUE(testing::contains(testing::error_of([&] { cli::read_genotype_file(path, 3); }),
                                "rank 3"));
  // describe takes the best ranked one.
  const ModelSpec spec = cli::resolve_model_argument(path, std::nullopt);
  EXPECT_EQ(spec.genotype, parse_genotype(kBlocks));
}

}  // namespace
}  // namespace bitnas

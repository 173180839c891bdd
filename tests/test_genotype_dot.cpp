// Genotype -> Graphviz DOT (`bitnas plot`): one cluster per cell with its inputs, internal
// nodes, op-labelled edges and an output node fed by the output nodes; dead nodes drawn
// dashed and marked (unused).
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "search_spaces/cell_outputs.hpp"
#include "search_spaces/genotype_dot.hpp"
#include "search_spaces/genotype_parser.hpp"
#include "search_spaces/model_spec.hpp"

namespace bitnas {
namespace {

struct DotGraph {
  std::set<std::string> nodes;                            // declared node ids
  std::vector<std::pair<std::string, std::string>> edges;  // (from, to)
  std::vector<std::string> edge_labels;                    // "" when unlabelled
  std::vector<std::string> clusters;
  int dashed_nodes = 0, dashed_edges = 0;
};

// Reads back the subset of DOT genotype_to_dot writes: one statement per line.
DotGraph read_dot(const std::string& dot) {
  static const std::regex node_re(R"re(^\s*"([^"]+)" \[(.*)\];$)re");
  static const std::regex edge_re(R"re(^\s*"([^"]+)" -> "([^"]+)"(?: \[(.*)\])?;$)re");
  static const std::regex label_re(R"re(label="([^"]*)")re");
  static const std::regex cluster_re(R"re(^\s*subgraph "cluster_([^"]+)" \{$)re");
  DotGraph g;
  std::istringstream in(dot);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, edge_re)) {
      g.edges.emplace_back(m[1], m[2]);
      const std::string attrs = m[3];
      std::smatch label;
      g.edge_labels.push_back(std::regex_search(attrs, label, label_re) ? label[1].str() : "");
      g.dashed_edges += attrs.find("dashed") != std::string::npos;
    } else if (std::regex_match(line, m, node_re)) {
      g.nodes.insert(m[1]);
      g.dashed_nodes += m[2].str().find("dashed") != std::string::npos;
    } else if (std::regex_match(line, m, cluster_re)) {
      g.clusters.push_back(m[1]);
    }
  }
  return g;
}

const char* kDartsLike =
    "CNNGenotype(normal_0=[('bconv_3x3', 0, 2), ('skip_connect', 1, 2), ('bconv_3x3', 0, 3), "
    "('bconv_5x5', 1, 3), ('skip_connect', 2, 4), ('max_pool_3x3', 0, 4), "
    "('dil_bconv_3x3', 3, 5), ('bconv_1x1', 2, 5)], "
    "reduce_1=[('bconv_3x3', 0, 2), ('max_pool_3x3', 1, 2), ('bconv_3x3', 0, 3), "
    "('avg_pool_3x3', 1, 3), ('skip_connect', 2, 4), ('bconv_5x5', 0, 4), "
    "('bconv_1x1', 1, 5), ('max_pool_3x3', 0, 5)], "
    "normal_0_concat=[2, 3, 4, 5], reduce_1_concat=[4, 5])";

TEST(Dot, DartsLikeGenotypeNodesEdgesAndLabels) {
  const ModelSpec spec = model_spec_from_genotype(kDartsLike, default_search_space());
  ASSERT_EQ(spec.space.num_init_nodes, 2);
  const std::string dot = genotype_to_dot(spec.genotype, spec.space, "darts-like");
  EXPECT_EQ(dot.rfind("digraph", 0), 0u);
  const DotGraph g = read_dot(dot);
  EXPECT_EQ(g.clusters, (std::vector<std::string>{"normal_0", "reduce_1"}));
  // Per cell: 2 inputs + 4 internal nodes + 1 output node.
  EXPECT_EQ(g.nodes.size(), 2u * 7u);
  // Per cell: 8 op edges; into the output, 4 (normal concat) and 2 (reduce concat).
  EXPECT_EQ(g.edges.size(), 8u + 4u + 8u + 2u);

  // Every genotype edge appears once, from and to the right nodes, labelled with its op.
  for (const CellGenotype& cell : spec.genotype.cells)
    for (const GenotypeEdge& e : cell.edges) {
      const std::pair<std::string, std::string> want{
          cell.field_name() + "_n" + std::to_string(e.from),
          cell.field_name() + "_n" + std::to_string(e.to)};
      int found = 0;
      for (std::size_t i = 0; i < g.edges.size(); ++i)
        if (g.edges[i] == want && g.edge_labels[i] == e.op) ++found;
      EXPECT_EQ(found, 1) << cell.field_name() << " " << to_string(e);
    }
  // Output edges come from exactly the concat nodes and are unlabelled.
  std::set<std::string> into_reduce_output;
  for (std::size_t i = 0; i < g.edges.size(); ++i)
    if (g.edges[i].second == "reduce_1_out") {
      into_reduce_output.insert(g.edges[i].first);
      EXPECT_EQ(g.edge_labels[i], "");
    }
  EXPECT_EQ(into_reduce_output, (std::set<std::string>{"reduce_1_n4", "reduce_1_n5"}));

  // reduce_1: node 3 feeds neither 4 nor 5, so it and its two incoming edges are dead.
  EXPECT_EQ(g.dashed_nodes, 1);
  EXPECT_EQ(g.dashed_edges, 2);
  EXPECT_NE(dot.find("\"reduce_1_n3\" [shape=ellipse, label=\"3\\n(unused)\""), std::string::npos)
      << dot;
  // Input labels, the concat_op on the output node, the title.
  EXPECT_NE(dot.find("label=\"c_{k-2}\""), std::string::npos);
  EXPECT_NE(dot.find("label=\"c_{k-1}\""), std::string::npos);
  EXPECT_NE(dot.find("label=\"c_{k}\\nconcat\""), std::string::npos);
  EXPECT_NE(dot.find("label=\"darts-like\""), std::string::npos);
}

TEST(Dot, BaselineCellsAndCellShortcut) {
  ModelSpec spec = baseline_spec("xnor_resnet18");
  DotGraph g = read_dot(genotype_to_dot(spec.genotype, spec.space, ""));
  // 1 input + 2 internal + output per cell; 4 op edges + 1 output edge per cell.
  EXPECT_EQ(g.nodes.size(), 2u * 4u);
  EXPECT_EQ(g.edges.size(), 2u * 5u);
  EXPECT_EQ(g.dashed_nodes + g.dashed_edges, 0);

  spec.space.cell_shortcut = true;
  g = read_dot(genotype_to_dot(spec.genotype, spec.space, ""));
  EXPECT_EQ(g.edges.size(), 2u * 6u);
  EXPECT_EQ(g.dashed_edges, 2);  // the shortcut edges are dashed
  int shortcuts = 0;
  for (std::size_t i = 0; i < g.edges.size(); ++i)
    if (g.edge_labels[i] == "cell_shortcut") {
      ++shortcuts;
      EXPECT_EQ(g.edges[i].first.substr(g.edges[i].first.size() - 3), "_n0");
    }
  EXPECT_EQ(shortcuts, 2);
}

TEST(Dot, UnusedInputIsMarked) {
  SearchSpaceConfig space = default_search_space();
  // Input 0 feeds only node 3, which no output uses.
  const Genotype g = parse_genotype(
      "normal_0=[('bconv_3x3', 1, 2), ('skip_connect', 1, 2), ('bconv_3x3', 0, 3), "
      "('bconv_3x3', 1, 3)], normal_0_concat=[2]");
  const std::string dot = genotype_to_dot(g, space, "");
  EXPECT_NE(dot.find("label=\"c_{k-2}\\n(unused)\""), std::string::npos) << dot;
  EXPECT_EQ(read_dot(dot).dashed_nodes, 2);  // input 0 and node 3
}

TEST(Dot, TitleIsEscaped) {
  const Genotype g = parse_genotype("normal_0=[('bconv_3x3', 0, 1)]");
  SearchSpaceConfig space = default_search_space();
  space.num_init_nodes = 1;
  const std::string dot = genotype_to_dot(g, space, "a \"quoted\" \\ name");
  EXPECT_NE(dot.find("label=\"a \\\"quoted\\\" \\\\ name\""), std::string::npos) << dot;
}

TEST(Dot, OutputNodesFollowTheSpaceWhenTheGenotypeHasNoConcat) {
  const Genotype g = parse_genotype(
      "normal_0=[('bconv_3x3', 0, 2), ('bconv_3x3', 1, 2), ('bconv_3x3', 2, 3), "
      "('bconv_3x3', 0, 3)]");
  SearchSpaceConfig space = default_search_space();
  const CellGenotype& cell = g.cells.front();
  EXPECT_EQ(cell_output_nodes(cell, space), (std::vector<int>{2, 3}));  // aw_nas default
  space.loose_end = true;  // node 2 is consumed by node 3
  EXPECT_EQ(cell_output_nodes(cell, space), (std::vector<int>{3}));
  space.loose_end = false;
  space.concat_nodes = std::vector<int>{2};
  EXPECT_EQ(cell_output_nodes(cell, space), (std::vector<int>{2}));
  const DotGraph dot = read_dot(genotype_to_dot(g, space, ""));
  EXPECT_EQ(dot.dashed_nodes, 1);  // node 3 reaches no output
  EXPECT_EQ(nodes_reaching(cell, 4, {2}), (std::vector<bool>{true, true, true, false}));
}

}  // namespace
}  // namespace bitnas

#include <gtest/gtest.h>

#include <set>

#include "search_spaces/architecture_id.hpp"
#include "search_spaces/genotype_canonical.hpp"
#include "search_spaces/genotype_parser.hpp"
#include "search_spaces/genotype_printer.hpp"
#include "search_spaces/genotype_space.hpp"

namespace bitnas {
namespace {

SearchSpaceConfig space(int init_nodes, int steps, int inputs) {
  SearchSpaceConfig s;
  s.num_init_nodes = init_nodes;
  s.num_steps = steps;
  s.num_node_inputs = inputs;
  s.num_layers = 2;
  s.cell_layout = {0, 1};
  s.primitives = {"bconv_3x3", "skip_connect", "none"};
  return s;
}

bool has_repeated_edge(const Genotype& g) {
  for (const auto& cell : g.cells) {
    std::set<std::tuple<std::string, int, int>> seen;
    for (const auto& e : cell.edges)
      if (!seen.insert({e.op, e.from, e.to}).second) return true;
  }
  return false;
}

TEST(GenotypeSpace, DecodeEncodeRoundTrip) {
  const GenotypeSpace gs(space(2, 3, 2));
  EXPECT_EQ(gs.num_decisions(), 2 * 3 * 2 * 2);
  Rng rng(1);
  for (int i = 0; i < 50; ++i) {
    const Genotype g = gs.random(rng);
    EXPECT_EQ(gs.decode(gs.encode(g)), g);
  }
  EXPECT_THROW(gs.decode({1, 2}), std::invalid_argument);
}

TEST(GenotypeSpace, RandomAndMutateNeverRepeatAnEdge) {
  // One input node and two inputs per node: node 1 has a single predecessor, so its two
  // inputs coincide and only different ops keep its edges apart.
  for (const auto& s : {space(1, 2, 2), space(2, 3, 2)}) {
    const GenotypeSpace gs(s);
    Rng rng(3);
    for (int i = 0; i < 200; ++i) {
      const Genotype g = gs.random(rng);
      ASSERT_FALSE(has_repeated_edge(g)) << to_string(g);
      const Genotype m = gs.mutate(g, rng);
      ASSERT_FALSE(has_repeated_edge(m)) << to_string(m);
      const auto a = gs.encode(g), b = gs.encode(m);
      int changed = 0;
      for (std::size_t d = 0; d < a.size(); ++d) changed += a[d] != b[d];
      EXPECT_EQ(changed, 1) << "a mutation changes exactly one decision";
    }
  }
}

TEST(GenotypeSpace, ARepeatedEdgeBreaksTheRules) {
  const GenotypeSpace gs(space(1, 2, 2));
  Rng rng(5);
  Genotype g = gs.random(rng);
  EXPECT_TRUE(gs.allowed(g)) << gs.violation(g);
  // Node 1 has one predecessor: make its two edges the same op from it.
  CellGenotype& cell = g.cells.front();
  ASSERT_EQ(cell.edges[0].to, 1);
  ASSERT_EQ(cell.edges[1].to, 1);
  cell.edges[1] = cell.edges[0];
  EXPECT_FALSE(gs.allowed(g));
  EXPECT_NE(gs.violation(g).find("repeats the edge"), std::string::npos) << gs.violation(g);
}

TEST(GenotypeSpace, RandomCoversTheSpace) {
  const GenotypeSpace gs(space(2, 1, 2));  // per group: inputs {0,1} x ops 3 x 3
  Rng rng(5);
  std::set<std::string> hashes;
  for (int i = 0; i < 2000; ++i) hashes.insert(genotype_hash(gs.random(rng), 2));
  // Per cell: 9 (op, op) pairs on the two distinct inputs; two cells: 81 genotypes.
  EXPECT_EQ(hashes.size(), 81u);
}

// The canonical form names the output nodes the space decides (concat_nodes here), so that it
// builds the same cell when read without the space (a derive output, a database row); it once
// listed every internal node, and the cell came out twice as wide.
TEST(GenotypeSpace, ArchitectureIdWritesTheSpacesOutputNodes) {
  SearchSpaceConfig s = space(1, 2, 2);
  s.primitives = {"bconv_3x3", "shortcut", "skip_connect"};
  s.concat_nodes = std::vector<int>{2};
  const Genotype g = parse_genotype(
      "normal_0=[('bconv_3x3', 0, 1), ('shortcut', 0, 1), ('bconv_3x3', 0, 2), ('skip_connect', 0, 2)], "
      "reduce_1=[('bconv_3x3', 0, 1), ('shortcut', 0, 1), ('bconv_3x3', 1, 2), ('shortcut', 1, 2)]");
  const Genotype canonical = parse_genotype(architecture_id(s, g).canonical_genotype);
  // One output node per cell (renumbered: the normal cell's node 1 feeds nothing and goes).
  for (const CellGenotype& cell : canonical.cells) {
    ASSERT_TRUE(cell.concat.has_value());
    EXPECT_EQ(cell.output_nodes().size(), 1u);
  }
  EXPECT_EQ(canonical.cells[0].edges.size(), 2u);
  // Without concat_nodes: every node with incoming edges, as before.
  s.concat_nodes.reset();
  for (const CellGenotype& cell : parse_genotype(architecture_id(s, g).canonical_genotype).cells)
    EXPECT_EQ(cell.output_nodes(), (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace bitnas

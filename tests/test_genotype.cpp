#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "ops/core/random.hpp"
#include "search_spaces/genotype.hpp"
#include "search_spaces/genotype_canonical.hpp"
#include "search_spaces/genotype_parser.hpp"
#include "search_spaces/genotype_printer.hpp"
#include "search_spaces/genotype_shape.hpp"

namespace bitnas {
namespace {

// DARTS V2 (Liu et al. 2019) with DARTS's (op, from) pairs written as aw_nas (op, from, to)
// triples: the k-th pair of a node list feeds node 2 + k / 2.
constexpr const char* kDartsV2 =
    "CNNGenotype(normal_0=[('sep_conv_3x3', 0, 2), ('sep_conv_3x3', 1, 2), "
    "('sep_conv_3x3', 0, 3), ('sep_conv_3x3', 1, 3), ('sep_conv_3x3', 1, 4), "
    "('skip_connect', 0, 4), ('skip_connect', 0, 5), ('dil_conv_3x3', 2, 5)], "
    "reduce_1=[('max_pool_3x3', 0, 2), ('max_pool_3x3', 1, 2), ('skip_connect', 2, 3), "
    "('max_pool_3x3', 1, 3), ('max_pool_3x3', 0, 4), ('skip_connect', 2, 4), "
    "('skip_connect', 2, 5), ('max_pool_3x3', 1, 5)], "
    "normal_0_concat=[2, 3, 4, 5], reduce_1_concat=[2, 3, 4, 5])";

// The same genotype in every legal variation at once: double quotes, a different wrapper,
// tuple lists, [] edges, concat fields first, newlines, tabs and trailing commas.
constexpr const char* kDartsV2Messy =
    "Genotype(\n"
    "\treduce_1_concat=(2, 3, 4, 5,),\n"
    "  normal_0_concat = [2,3,4,5],\n"
    "  normal_0=(\n"
    "    (\"sep_conv_3x3\", 0, 2), ['sep_conv_3x3',1,2],\n"
    "    ('sep_conv_3x3', 0, 3), ('sep_conv_3x3', 1, 3,), (\"sep_conv_3x3\",1,4),\n"
    "    ('skip_connect', 0, 4), ('skip_connect', 0, 5), ('dil_conv_3x3', 2, 5),\n"
    "  ),\n"
    "  reduce_1=[('max_pool_3x3', 0, 2), ('max_pool_3x3', 1, 2), ('skip_connect', 2, 3),\n"
    "\t('max_pool_3x3', 1, 3), ('max_pool_3x3', 0, 4), ('skip_connect', 2, 4),\n"
    "\t('skip_connect', 2, 5), ('max_pool_3x3', 1, 5)],\n"
    ")\n";

TEST(GenotypeParse, DartsV2Fields) {
  const Genotype g = parse_genotype(kDartsV2);
  ASSERT_EQ(g.cells.size(), 2u);
  const CellGenotype& normal = g.cell(0);
  EXPECT_EQ(normal.kind, CellKind::normal);
  EXPECT_EQ(normal.field_name(), "normal_0");
  ASSERT_EQ(normal.edges.size(), 8u);
  EXPECT_EQ(normal.edges[0], (GenotypeEdge{"sep_conv_3x3", 0, 2}));
  EXPECT_EQ(normal.edges[7], (GenotypeEdge{"dil_conv_3x3", 2, 5}));
  EXPECT_EQ(normal.concat, (std::vector<int>{2, 3, 4, 5}));
  const CellGenotype& reduce = g.cell(1);
  EXPECT_EQ(reduce.kind, CellKind::reduce);
  EXPECT_EQ(reduce.edges[2], (GenotypeEdge{"skip_connect", 2, 3}));
  EXPECT_EQ(reduce.edges_into(5).size(), 2u);
  EXPECT_EQ(g.groups(), (std::vector<int>{0, 1}));
}

TEST(GenotypeParse, AllSyntaxVariantsGiveTheSameGenotype) {
  EXPECT_EQ(parse_genotype(kDartsV2Messy), parse_genotype(kDartsV2));
}

TEST(GenotypeParse, BareFieldListAndOneElementTuples) {
  const Genotype g = parse_genotype(
      "reduce_1=(('xnor_conv_3x3', 0, 2),), normal_0=[(\"skip_connect\", 1, 2)], "
      "reduce_1_concat=(2,),");
  ASSERT_EQ(g.cells.size(), 2u);
  EXPECT_EQ(g.cells[0].field_name(), "normal_0");  // sorted by group, not by appearance
  EXPECT_EQ(g.cells[0].concat, std::nullopt);
  EXPECT_EQ(g.cells[1].edges, (std::vector<GenotypeEdge>{{"xnor_conv_3x3", 0, 2}}));
  EXPECT_EQ(g.cells[1].concat, (std::vector<int>{2}));
}

TEST(GenotypeParse, BriefExample) {
  const Genotype g = parse_genotype(
      "CNNGenotype(normal_0=[('xnor_conv_3x3', 0, 2), ('skip_connect', 1, 2), "
      "('sep_conv_3x3', 0, 3), ('skip_connect', 2, 3)], reduce_1=[(\"xnor_conv_3x3\", 0, 2), "
      "('max_pool_3x3', 1, 2)], normal_0_concat=[2, 3], reduce_1_concat=(2,))");
  EXPECT_EQ(g.cell(1).concat, (std::vector<int>{2}));
  EXPECT_EQ(g.cell(0).edges.size(), 4u);
}

// Op names keep their exact spelling (aliases are the search space's business).
TEST(GenotypeParse, OpNameCharacters) {
  const Genotype g = parse_genotype("normal_0=[('bireal-conv.v2_3x3', 0, 2)]");
  EXPECT_EQ(g.cell(0).edges[0].op, "bireal-conv.v2_3x3");
}

struct Malformed {
  const char* text;
  std::size_t position;
  int line, column;
  const char* expected;
  const char* found;
};

TEST(GenotypeParse, MalformedStringsNameThePosition) {
  const std::string field = "a field name like normal_0, reduce_1 or normal_0_concat";
  const std::string start = "a field name or a wrapper such as 'CNNGenotype('";
  const std::vector<Malformed> cases = {
      {"", 0, 1, 1, start.c_str(), "end of input"},
      {"  \n\t", 4, 2, 2, start.c_str(), "end of input"},
      {"[('conv', 0, 2)]", 0, 1, 1, start.c_str(), "'['"},
      // unclosed brackets
      {"CNNGenotype(normal_0=[('conv', 0, 2)", 36, 1, 37, "',' or ']'", "end of input"},
      {"CNNGenotype(normal_0=[('conv', 0, 2)]", 37, 1, 38, "',' or ')'", "end of input"},
      {"normal_0=[('conv', 0, 2]", 23, 1, 24, "',' or ')'", "']'"},
      // missing commas
      {"normal_0=[('conv', 0, 2) ('conv', 1, 2)]", 25, 1, 26, "',' or ']'", "'('"},
      {"normal_0=[('conv' 0, 2)]", 18, 1, 19, "','", "'0'"},
      {"normal_0=[('conv', 0, 2)] normal_0_concat=[2]", 26, 1, 27, "',' or end of input",
       "'normal_0_concat'"},
      // field names
      {"CNNGenotype(normal_x=[('conv', 0, 2)])", 12, 1, 13, field.c_str(), "'normal_x'"},
      {"cell_0=[('conv', 0, 2)]", 0, 1, 1, field.c_str(), "'cell_0'"},
      {"normal_01=[('conv', 0, 2)]", 0, 1, 1, field.c_str(), "'normal_01'"},
      {"normal_0=[('conv', 0, 2)],,", 26, 1, 27, field.c_str(), "','"},
      {"CNNGenotype()", 12, 1, 13, field.c_str(), "')'"},
      {"CNNGenotype normal_0=[('conv', 0, 2)]", 12, 1, 13, "'('", "'normal_0'"},
      {"normal_0:[('conv', 0, 2)]", 8, 1, 9, "'='", "':'"},
      // node indices
      {"normal_0=[('conv', a, 2)]", 19, 1, 20, "a node index", "'a'"},
      {"normal_0=[('conv', '0', 2)]", 19, 1, 20, "a node index", "'0'"},
      {"normal_0=[('conv', 0, 2.5)]", 22, 1, 23, "a node index", "'2.5'"},
      {"normal_0=[('conv', 0, )]", 22, 1, 23, "a node index", "')'"},
      {"normal_0=[('conv', 0, 02)]", 22, 1, 23, "an integer without leading zeros", "'02'"},
      {"normal_0=[('conv', 0, 99999999999)]", 22, 1, 23, "a node index that fits in 32 bits",
       "'99999999999'"},
      {"normal_0=[('conv', -1, 2)]", 19, 1, 20, "a non-negative node index", "'-1'"},
      {"normal_0=[('conv', 0, 2)], normal_0_concat=[2, -3]", 47, 1, 48, "a non-negative node index",
       "'-3'"},
      // op names and quotes
      {"normal_0=[('conv, 0, 2)]", 16, 1, 17, "a closing '", "','"},
      {"normal_0=[(\"conv', 0, 2)]", 16, 1, 17, "a closing \"", "'''"},
      {"normal_0=[('conv", 16, 1, 17, "a closing '", "end of input"},
      {"normal_0=[('conv 3x3', 0, 2)]", 16, 1, 17, "a closing '", "' '"},
      {"normal_0=[(conv', 0, 2)]", 11, 1, 12, "a quoted op name", "'conv'"},
      {"normal_0=[('', 0, 2)]", 11, 1, 12, "a quoted op name", "''"},
      // edge and list shapes
      {"normal_0=[]", 10, 1, 11, "an edge ('op', from, to)", "']'"},
      {"normal_0=('conv', 0, 2)", 10, 1, 11, "an edge ('op', from, to)", "'conv'"},
      {"normal_0=(('conv', 0, 2))", 24, 1, 25, "','", "')'"},
      {"normal_0='conv'", 9, 1, 10, "'[' or '('", "'conv'"},
      {"normal_0=[('conv', 0, 2, 3)]", 25, 1, 26, "')'", "'3'"},
      {"normal_0=[('conv', 0, 2)], normal_0_concat=(2)", 45, 1, 46, "','", "')'"},
      {"normal_0=[('conv', 0, 2)], normal_0_concat=[]", 44, 1, 45, "a node index", "']'"},
      // trailing garbage
      {"CNNGenotype(normal_0=[('conv', 0, 2)]) x", 39, 1, 40, "end of input", "'x'"},
      {"CNNGenotype(normal_0=[('conv', 0, 2)]))", 38, 1, 39, "end of input", "')'"},
      // semantic errors, at the offending token
      {"normal_0=[('conv', 2, 2)]", 22, 1, 23, "a to-node greater than the from-node 2", "'2'"},
      {"normal_0=[('conv', 0, 3), ('conv', 3, 1)]", 38, 1, 39,
       "a to-node greater than the from-node 3", "'1'"},
      {"normal_0=[('conv', 0, 2)], normal_0=[('conv', 1, 2)]", 27, 1, 28, "a new group",
       "'normal_0'"},
      {"normal_0=[('conv', 0, 2)], reduce_0=[('conv', 1, 2)]", 27, 1, 28, "a new group",
       "'reduce_0'"},
      {"normal_0=[('conv', 0, 2)], normal_1_concat=[2]", 27, 1, 28,
       "a concat field for a group with edges", "'normal_1_concat'"},
      {"reduce_0_concat=[2], normal_0=[('conv', 0, 2)]", 0, 1, 1, "'normal_0_concat'",
       "'reduce_0_concat'"},
      {"normal_0=[('conv', 0, 2)], normal_0_concat=[2], normal_0_concat=[2]", 48, 1, 49,
       "a concat field not given before", "'normal_0_concat'"},
      {"normal_0=[('conv', 0, 2)], normal_0_concat=[2, 3, 2]", 50, 1, 51,
       "a node not listed before", "'2'"},
      // line and column after newlines
      {"CNNGenotype(\n  normal_0=[('conv', 0, 2)],\n  reduce_1=[('conv', 0, 2) x]\n)", 69, 3, 28,
       "',' or ']'", "'x'"},
  };
  for (const Malformed& c : cases) {
    SCOPED_TRACE(c.text);
    try {
      parse_genotype(c.text);
      ADD_FAILURE() << "parsed without error";
    } catch (const GenotypeParseError& e) {
      EXPECT_EQ(e.position(), c.position) << e.what();
      EXPECT_EQ(e.line(), c.line) << e.what();
      EXPECT_EQ(e.column(), c.column) << e.what();
      EXPECT_EQ(e.expected(), c.expected) << e.what();
      EXPECT_EQ(e.found(), c.found) << e.what();
      const std::string head = "genotype: at position " + std::to_string(c.position) + " (line " +
                               std::to_string(c.line) + ", column " + std::to_string(c.column) +
                               "): expected " + c.expected + " but found " + c.found;
      EXPECT_EQ(std::string(e.what()).substr(0, head.size()), head);
    }
  }
}

TEST(GenotypeParse, ErrorNotesExplain) {
  const auto message = [](const char* text) {
    try {
      parse_genotype(text);
    } catch (const std::invalid_argument& e) {  // GenotypeParseError is one
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("normal_0=[('conv', 0, 2)], normal_0_concat=(2)"),
            "genotype: at position 45 (line 1, column 46): expected ',' but found ')'; "
            "a one-element tuple needs a trailing comma, as in (2,)");
  EXPECT_EQ(message("normal_0=[('conv', 0, 2)],\nreduce_0=[('conv', 1, 2)]"),
            "genotype: at position 27 (line 2, column 1): expected a new group but found "
            "'reduce_0'; group 0 is already defined by normal_0 at line 1, column 1; a group is "
            "either normal or reduce");
  EXPECT_EQ(message("normal_0=[('conv', 0, 2)], normal_1_concat=[2]"),
            "genotype: at position 27 (line 1, column 28): expected a concat field for a group "
            "with edges but found 'normal_1_concat'; no field normal_1 gives the edges of group 1");
}

TEST(GenotypePrint, CanonicalSpelling) {
  EXPECT_EQ(to_string(parse_genotype(kDartsV2Messy)), kDartsV2);
  EXPECT_EQ(to_string(parse_genotype("reduce_2=[(\"a\",0,3,),('b',1,2)],normal_0=[('c',0,2)],"
                                     "reduce_2_concat=(3,)")),
            "CNNGenotype(normal_0=[('c', 0, 2)], reduce_2=[('a', 0, 3), ('b', 1, 2)], "
            "reduce_2_concat=[3])");
}

TEST(GenotypePrint, RoundTrips) {
  const std::vector<std::string> texts = {
      kDartsV2, kDartsV2Messy, "normal_0=[('x', 0, 1)]",
      "Genotype(reduce_1=(('xnor_conv_3x3', 0, 2),), reduce_1_concat=(2,))",
      "normal_0=[('a', 0, 2), ('a', 0, 2)], reduce_3=[('b', 1, 7)], reduce_3_concat=[7, 0]"};
  for (const std::string& text : texts) {
    SCOPED_TRACE(text);
    const Genotype g = parse_genotype(text);
    const std::string printed = to_string(g);
    EXPECT_EQ(parse_genotype(printed), g);
    EXPECT_EQ(to_string(parse_genotype(printed)), printed);
  }
}

TEST(GenotypePrint, RefusesWhatCouldNotReadBack) {
  Genotype g;
  EXPECT_THROW(to_string(g), std::invalid_argument);  // no cells
  g.add_cell({CellKind::normal, 0, {{"it's", 0, 2}}, std::nullopt});
  EXPECT_THROW(to_string(g), std::invalid_argument);
  g.cells[0].edges[0].op = "conv";
  g.cells[0].concat = std::vector<int>{};
  EXPECT_THROW(to_string(g), std::invalid_argument);
  g.cells[0].concat = std::vector<int>{2};
  EXPECT_EQ(to_string(g), "CNNGenotype(normal_0=[('conv', 0, 2)], normal_0_concat=[2])");
  g.cells.push_back(g.cells[0]);  // group 0 twice
  EXPECT_THROW(to_string(g), std::invalid_argument);
}

TEST(GenotypeData, Accessors) {
  Genotype g;
  g.add_cell({CellKind::reduce, 2, {{"b", 0, 2}}, std::nullopt});
  g.add_cell({CellKind::normal, 0, {{"a", 0, 2}, {"a", 1, 3}, {"c", 2, 3}}, std::nullopt});
  EXPECT_EQ(g.groups(), (std::vector<int>{0, 2}));
  EXPECT_TRUE(g.has_group(2));
  EXPECT_FALSE(g.has_group(1));
  EXPECT_EQ(g.find_cell(1), nullptr);
  EXPECT_THROW(g.cell(1), std::out_of_range);
  EXPECT_THROW(g.add_cell({CellKind::normal, 2, {{"b", 0, 2}}, std::nullopt}),
               std::invalid_argument);
  EXPECT_EQ(g.cell(0).output_nodes(), (std::vector<int>{2, 3}));  // default: all internal
  EXPECT_EQ(g.cell(0).edges_into(3).size(), 2u);
  EXPECT_EQ(g.cell(0).max_node(), 3);
  EXPECT_EQ(std::string(to_string(CellKind::reduce)), "reduce");
}

// ---- canonical form and hash ------------------------------------------------------------

const std::vector<std::string> kOps = {"a", "b", "c"};

// num_steps internal nodes, each with num_node_inputs inputs drawn from all earlier nodes
// (repeats allowed); concat absent or a random non-empty subset (which leaves dead nodes).
Genotype random_genotype(Rng& rng, int num_init, int num_steps, int num_node_inputs, int num_ops,
                         bool allow_concat) {
  Genotype g;
  for (int group = 0; group < 2; ++group) {
    CellGenotype cell{group == 0 ? CellKind::normal : CellKind::reduce, group, {}, std::nullopt};
    for (int node = num_init; node < num_init + num_steps; ++node)
      for (int k = 0; k < num_node_inputs; ++k)
        cell.edges.push_back({kOps[rng.below(num_ops)], static_cast<int>(rng.below(node)), node});
    if (allow_concat && rng.below(2) == 0) {
      std::vector<int> concat;
      for (int node = num_init; node < num_init + num_steps; ++node)
        if (rng.below(2) == 0) concat.push_back(node);
      if (concat.empty()) concat.push_back(num_init + static_cast<int>(rng.below(num_steps)));
      cell.concat = concat;
    }
    g.cells.push_back(cell);
  }
  return g;
}

template <class T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

// Renumbers internal nodes along a random topological order (so from < to still holds) and
// shuffles edge and concat order: the same architecture, written differently.
Genotype relabel(const Genotype& g, int num_init, Rng& rng) {
  Genotype result = g;
  for (CellGenotype& cell : result.cells) {
    const int num_nodes = cell.max_node() + 1;
    std::vector<int> number(num_nodes, -1);
    for (int i = 0; i < num_init; ++i) number[i] = i;
    for (int next = num_init; next < num_nodes; ++next) {
      std::vector<int> ready;
      for (int v = num_init; v < num_nodes; ++v) {
        if (number[v] >= 0) continue;
        bool inputs_placed = true;
        for (const GenotypeEdge& e : cell.edges)
          if (e.to == v && number[e.from] < 0) inputs_placed = false;
        if (inputs_placed) ready.push_back(v);
      }
      number[ready[rng.below(ready.size())]] = next;
    }
    for (GenotypeEdge& e : cell.edges) e = {e.op, number[e.from], number[e.to]};
    shuffle(cell.edges, rng);
    if (cell.concat) {
      for (int& n : *cell.concat) n = number[n];
      shuffle(*cell.concat, rng);
    }
  }
  return result;
}

TEST(GenotypeCanonical, HashInvariantUnderRelabelling) {
  Rng rng(20240607);
  for (int trial = 0; trial < 50; ++trial) {
    const Genotype g = random_genotype(rng, 2, 2 + trial % 4, 1 + trial % 3, 3, true);
    const Genotype h = relabel(g, 2, rng);
    SCOPED_TRACE(to_string(g) + "\nrelabelled: " + to_string(h));
    const Genotype canon = canonicalize(g, 2);
    EXPECT_EQ(to_string(canonicalize(h, 2)), to_string(canon));
    EXPECT_EQ(genotype_hash(h, 2), genotype_hash(g, 2));
    EXPECT_EQ(to_string(canonicalize(canon, 2)), to_string(canon));  // idempotent
    EXPECT_NO_THROW(validate_genotype(canon));
    EXPECT_EQ(parse_genotype(to_string(canon)), canon);
  }
}

// Brute-force isomorphism of two cells whose nodes all reach the output: some permutation of
// the internal nodes maps one edge multiset and output set onto the other.
bool isomorphic(const CellGenotype& x, const CellGenotype& y, int num_init) {
  const int num_nodes = x.max_node() + 1;
  if (y.max_node() + 1 != num_nodes || x.edges.size() != y.edges.size()) return false;
  const auto edge_set = [](const CellGenotype& c, const std::vector<int>& number) {
    std::multiset<std::tuple<std::string, int, int>> s;
    for (const GenotypeEdge& e : c.edges) s.emplace(e.op, number[e.from], number[e.to]);
    return s;
  };
  const auto output_set = [](const CellGenotype& c, const std::vector<int>& number) {
    std::set<int> s;
    for (int n : c.output_nodes()) s.insert(number[n]);
    return s;
  };
  std::vector<int> identity(num_nodes);
  std::iota(identity.begin(), identity.end(), 0);
  const auto y_edges = edge_set(y, identity);
  const auto y_outputs = output_set(y, identity);
  std::vector<int> number = identity;
  do {
    if (edge_set(x, number) == y_edges && output_set(x, number) == y_outputs) return true;
  } while (std::next_permutation(number.begin() + num_init, number.end()));
  return false;
}

// Every internal node reaches the output: the concat list (when present) holds every node
// that no other node consumes, plus random others.
CellGenotype random_live_cell(Rng& rng) {
  Genotype g = random_genotype(rng, 2, 3, 2, 2, false);
  CellGenotype cell = g.cells[0];
  if (rng.below(2) == 0) {
    std::vector<int> concat;
    for (int node = 2; node < 5; ++node) {
      const bool consumed = std::any_of(cell.edges.begin(), cell.edges.end(),
                                        [&](const GenotypeEdge& e) { return e.from == node; });
      if (!consumed || rng.below(2) == 0) concat.push_back(node);
    }
    cell.concat = concat;
  }
  return cell;
}

// Equal hashes exactly for isomorphic cells, checked against brute force on many small cells
// with only two ops, so that tied nodes (same inputs, same ops) are common.
TEST(GenotypeCanonical, HashEqualExactlyForIsomorphicCells) {
  Rng rng(7);
  std::vector<Genotype> genotypes;
  for (int i = 0; i < 150; ++i) {
    Genotype g;
    g.cells.push_back(random_live_cell(rng));
    genotypes.push_back(g);
    genotypes.push_back(relabel(g, 2, rng));
  }
  std::vector<std::string> hashes;
  for (const Genotype& g : genotypes) hashes.push_back(genotype_hash(g, 2));
  int isomorphic_but_written_differently = 0;
  for (std::size_t i = 0; i < genotypes.size(); ++i)
    for (std::size_t j = i + 1; j < genotypes.size(); ++j) {
      const bool iso = isomorphic(genotypes[i].cells[0], genotypes[j].cells[0], 2);
      ASSERT_EQ(hashes[i] == hashes[j], iso) << to_string(genotypes[i]) << "\n"
                                             << to_string(genotypes[j]);
      if (iso && genotypes[i] != genotypes[j]) ++isomorphic_but_written_differently;
    }
  EXPECT_GT(isomorphic_but_written_differently, 150);  // the check above was not vacuous
}

// Nine nodes conv(in0), each consumed by two of nine skip-sum nodes, the consumption pattern
// a union of cycles. Colour refinement sees every such cell alike (each node has the same
// neighbourhood), so only the search over tied nodes tells a 6-cycle plus a 12-cycle from one
// 18-cycle, and makes the numbering of tied nodes in different cycles label-independent.
Genotype cycle_cell(const std::vector<std::vector<int>>& cycles) {
  CellGenotype cell{CellKind::normal, 0, {}, std::nullopt};
  for (int i = 0; i < 9; ++i) cell.edges.push_back({"conv", 0, 2 + i});
  int sum_node = 11;
  for (const std::vector<int>& cycle : cycles)
    for (std::size_t k = 0; k < cycle.size(); ++k, ++sum_node) {
      cell.edges.push_back({"skip", 2 + cycle[k], sum_node});
      cell.edges.push_back({"skip", 2 + cycle[(k + 1) % cycle.size()], sum_node});
    }
  Genotype g;
  g.cells.push_back(cell);
  return g;
}

TEST(GenotypeCanonical, TiesThatRefinementCannotBreak) {
  const Genotype two_cycles = cycle_cell({{0, 1, 2}, {3, 4, 5, 6, 7, 8}});
  const Genotype one_cycle = cycle_cell({{0, 1, 2, 3, 4, 5, 6, 7, 8}});
  const Genotype canon = canonicalize(two_cycles, 2);
  Rng rng(99);
  for (int trial = 0; trial < 20; ++trial)
    ASSERT_EQ(to_string(canonicalize(relabel(two_cycles, 2, rng), 2)), to_string(canon)) << trial;
  EXPECT_NE(genotype_hash(one_cycle, 2), genotype_hash(two_cycles, 2));
  EXPECT_EQ(genotype_hash(relabel(one_cycle, 2, rng), 2), genotype_hash(one_cycle, 2));
}

// Parallel chains conv(in0) -> second op: nodes in chains with the same second op are
// symmetric without being twins, which the search prunes with the symmetries it discovers.
Genotype chains_cell(const std::vector<std::string>& second_ops) {
  CellGenotype cell{CellKind::normal, 0, {}, std::nullopt};
  const int n = static_cast<int>(second_ops.size());
  for (int i = 0; i < n; ++i) {
    cell.edges.push_back({"conv", 0, 2 + i});
    cell.edges.push_back({second_ops[i], 2 + i, 2 + n + i});
  }
  Genotype g;
  g.cells.push_back(cell);
  return g;
}

TEST(GenotypeCanonical, SymmetricChains) {
  const Genotype g = chains_cell({"a", "b", "a", "a", "b", "a", "b", "a"});
  const std::string hash = genotype_hash(g, 2);
  Rng rng(5);
  for (int trial = 0; trial < 10; ++trial) ASSERT_EQ(genotype_hash(relabel(g, 2, rng), 2), hash);
  EXPECT_NE(genotype_hash(chains_cell({"a", "b", "a", "a", "b", "a", "a", "a"}), 2), hash);
  EXPECT_EQ(genotype_hash(chains_cell({"b", "b", "b", "a", "a", "a", "a", "a"}), 2), hash);
}

std::string hash_of(const std::string& text) { return genotype_hash(parse_genotype(text), 2); }

TEST(GenotypeCanonical, InputOrderDoesNotMatter) {
  EXPECT_EQ(hash_of("normal_0=[('a', 0, 2), ('b', 1, 2), ('c', 2, 3), ('a', 0, 3)]"),
            hash_of("normal_0=[('a', 0, 3), ('b', 1, 2), ('c', 2, 3), ('a', 0, 2)]"));
}

TEST(GenotypeCanonical, DartsV2SurvivesSwappingItsTwinNodes) {
  // Nodes 2 and 3 of the DARTS V2 normal cell compute the same thing; only node 5 tells them
  // apart by consuming node 2.
  std::string swapped = kDartsV2;
  swapped.replace(swapped.find("('dil_conv_3x3', 2, 5)"), 22, "('dil_conv_3x3', 3, 5)");
  EXPECT_EQ(hash_of(swapped), hash_of(kDartsV2));
  // Canonical numbering: the twin nobody consumes comes first; reduce nodes 3 and 5 are
  // exact twins (skip(2) + max(1)).
  EXPECT_EQ(to_string(canonicalize(parse_genotype(kDartsV2), 2)),
            "CNNGenotype(normal_0=[('sep_conv_3x3', 0, 2), ('sep_conv_3x3', 1, 2), "
            "('sep_conv_3x3', 0, 3), ('sep_conv_3x3', 1, 3), ('sep_conv_3x3', 1, 4), "
            "('skip_connect', 0, 4), ('dil_conv_3x3', 3, 5), ('skip_connect', 0, 5)], "
            "reduce_1=[('max_pool_3x3', 0, 2), ('max_pool_3x3', 1, 2), "
            "('max_pool_3x3', 0, 3), ('skip_connect', 2, 3), ('max_pool_3x3', 1, 4), "
            "('skip_connect', 2, 4), ('max_pool_3x3', 1, 5), ('skip_connect', 2, 5)], "
            "normal_0_concat=[2, 3, 4, 5], reduce_1_concat=[2, 3, 4, 5])");
}

TEST(GenotypeCanonical, DeadNodesDoNotCount) {
  // Node 3 does not reach the concat nodes 2 and 4.
  const std::string with_dead =
      "normal_0=[('a', 0, 2), ('b', 1, 2), ('c', 0, 3), ('c', 2, 3), ('a', 2, 4), ('b', 1, 4)],"
      "normal_0_concat=[2, 4]";
  const std::string without =
      "normal_0=[('a', 0, 2), ('b', 1, 2), ('a', 2, 3), ('b', 1, 3)], normal_0_concat=[2, 3]";
  EXPECT_EQ(hash_of(with_dead), hash_of(without));
  EXPECT_EQ(to_string(canonicalize(parse_genotype(with_dead), 2)),
            to_string(canonicalize(parse_genotype(without), 2)));
}

TEST(GenotypeCanonical, AbsentConcatMeansEveryInternalNode) {
  EXPECT_EQ(hash_of("normal_0=[('a', 0, 2), ('b', 2, 3)]"),
            hash_of("normal_0=[('a', 0, 2), ('b', 2, 3)], normal_0_concat=[3, 2]"));
  EXPECT_NE(hash_of("normal_0=[('a', 0, 2), ('b', 2, 3)]"),
            hash_of("normal_0=[('a', 0, 2), ('b', 2, 3)], normal_0_concat=[3]"));
}

TEST(GenotypeCanonical, DifferentCellsHashDifferently) {
  const std::string base =
      "normal_0=[('a', 0, 2), ('a', 0, 3), ('a', 2, 4), ('b', 3, 5)], normal_0_concat=[4, 5]";
  const std::vector<std::string> others = {
      // another op on one edge
      "normal_0=[('a', 0, 2), ('a', 0, 3), ('a', 2, 4), ('c', 3, 5)], normal_0_concat=[4, 5]",
      // node 5 reads node 2 (shared) instead of its twin 3: same tree, different wiring
      "normal_0=[('a', 0, 2), ('a', 0, 3), ('a', 2, 4), ('b', 2, 5)], normal_0_concat=[3, 4, 5]",
      "normal_0=[('a', 0, 2), ('a', 2, 4), ('b', 2, 5)], normal_0_concat=[4, 5]",
      // inputs are not interchangeable
      "normal_0=[('a', 1, 2), ('a', 0, 3), ('a', 2, 4), ('b', 3, 5)], normal_0_concat=[4, 5]",
      // another concat set
      "normal_0=[('a', 0, 2), ('a', 0, 3), ('a', 2, 4), ('b', 3, 5)], normal_0_concat=[3, 4, 5]",
      // same edges in a reduce cell, or in another group
      "reduce_0=[('a', 0, 2), ('a', 0, 3), ('a', 2, 4), ('b', 3, 5)], reduce_0_concat=[4, 5]",
      "normal_1=[('a', 0, 2), ('a', 0, 3), ('a', 2, 4), ('b', 3, 5)], normal_1_concat=[4, 5]",
      // a parallel duplicate edge
      "normal_0=[('a', 0, 2), ('a', 0, 2), ('a', 0, 3), ('a', 2, 4), ('b', 3, 5)], "
      "normal_0_concat=[4, 5]",
  };
  std::set<std::string> hashes = {hash_of(base)};
  for (const std::string& other : others)
    EXPECT_TRUE(hashes.insert(hash_of(other)).second) << other;
}

TEST(GenotypeCanonical, HashIsFnv1aOfTheCanonicalString) {
  const std::string h = hash_of(kDartsV2);
  ASSERT_EQ(h.size(), 16u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  // Pinned (and checked against an independent FNV-1a of the canonical strings): hashes are
  // stored in results databases, so a change here must be deliberate.
  EXPECT_EQ(hash_of("normal_0=[('a', 0, 2)]"), "6b3ab073e60f6791");
  EXPECT_EQ(h, "b895021774e45092");
}

TEST(GenotypeCanonical, RejectsWhatHasNoMeaning) {
  // An edge into an input node.
  EXPECT_THROW(canonicalize(parse_genotype("normal_0=[('a', 0, 1), ('a', 1, 2)]"), 2),
               std::invalid_argument);
  // Output node 3 without incoming edges.
  EXPECT_THROW(canonicalize(parse_genotype("normal_0=[('a', 0, 2)], normal_0_concat=[3]"), 2),
               std::invalid_argument);
  // Node 2 feeds the output but is never computed.
  EXPECT_THROW(canonicalize(parse_genotype("normal_0=[('a', 2, 3)]"), 2), std::invalid_argument);
  // Nothing reaches the output.
  EXPECT_THROW(canonicalize(parse_genotype("normal_0=[('a', 0, 2)], normal_0_concat=[1]"), 2),
               std::invalid_argument);
  EXPECT_THROW(canonicalize(parse_genotype("normal_0=[('a', 0, 2)]"), 0), std::invalid_argument);
}

// ---- shape against the search space ------------------------------------------------------

TEST(GenotypeShape, AcceptsDartsV2) {
  EXPECT_NO_THROW(validate_genotype_shape(parse_genotype(kDartsV2), 2, 4, 2));
}

TEST(GenotypeShape, NamesTheMismatch) {
  const auto message = [](const std::string& text, int init, int steps, int inputs) {
    try {
      validate_genotype_shape(parse_genotype(text), init, steps, inputs);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(kDartsV2, 2, 4, 3),
            "genotype cell normal_0: node 2 has 2 inputs, but num_node_inputs is 3");
  EXPECT_EQ(message(kDartsV2, 2, 5, 2),
            "genotype cell normal_0: node 6 has 0 inputs, but num_node_inputs is 2");
  EXPECT_EQ(message(kDartsV2, 2, 3, 2),
            "genotype cell normal_0: edge ('skip_connect', 0, 5) names node 5 (num_init_nodes 2 "
            "+ num_steps 3 makes 4 the last node)");
  EXPECT_EQ(message(kDartsV2, 3, 3, 2),
            "genotype cell normal_0: edge ('sep_conv_3x3', 0, 2) ends in node 2, but nodes 0..2 "
            "are the cell inputs (num_init_nodes 3)");
  EXPECT_EQ(message("normal_0=[('a', 0, 2)], normal_0_concat=[3]", 2, 1, 1),
            "genotype cell normal_0: the concat list names node 3 (num_init_nodes 2 + num_steps "
            "1 makes 2 the last node)");
  // The ResNet basic block of docs/DESIGN.md (The baselines) as a 2-node cell with one input.
  EXPECT_EQ(message("normal_0=[('xnor_conv_3x3', 0, 1), ('skip_connect', 0, 1), "
                    "('xnor_conv_3x3', 1, 2), ('skip_connect', 1, 2)], normal_0_concat=[2]",
                    1, 2, 2),
            "no error");
  EXPECT_THROW(validate_genotype_shape(parse_genotype(kDartsV2), 0, 4, 2), std::invalid_argument);
}

}  // namespace
}  // namespace bitnas

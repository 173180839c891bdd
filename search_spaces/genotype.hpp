#pragma once
// A searched architecture in aw_nas's terms: one cell genotype per cell group, each a list of
// edges (op, from_node, to_node) plus the nodes whose outputs form the cell output. Nodes
// 0..num_init_nodes-1 are the cell inputs; the genotype itself does not know num_init_nodes,
// the search space does (see genotype_shape.hpp).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bitnas {

enum class CellKind { normal, reduce };
const char* to_string(CellKind kind);

struct GenotypeEdge {
  std::string op;
  int from = 0;
  int to = 0;

  bool operator==(const GenotypeEdge&) const = default;
};

// "('op', 0, 2)", as aw_nas prints an edge.
std::string to_string(const GenotypeEdge& edge);

struct CellGenotype {
  CellKind kind = CellKind::normal;
  int group = 0;
  std::vector<GenotypeEdge> edges;
  // Absent: every internal node is an output (aw_nas's default).
  std::optional<std::vector<int>> concat;

  bool operator==(const CellGenotype&) const = default;

  // "normal_0", "reduce_1": the aw_nas field name of this cell.
  std::string field_name() const;
  // The nodes the cell output is made of: `concat` as written, or, when absent, every node
  // that has incoming edges, ascending.
  std::vector<int> output_nodes() const;
  // Edges into `node`, in stored order.
  std::vector<GenotypeEdge> edges_into(int node) const;
  // Largest node index named by an edge or the concat list.
  int max_node() const;
};

struct Genotype {
  // Sorted by group, each group once (validate_genotype checks; add_cell keeps it so).
  std::vector<CellGenotype> cells;

  bool operator==(const Genotype&) const = default;

  // Throws std::out_of_range naming the groups present when `group` has no cell.
  const CellGenotype& cell(int group) const;
  // nullptr when `group` has no cell.
  const CellGenotype* find_cell(int group) const;
  bool has_group(int group) const { return find_cell(group) != nullptr; }
  std::vector<int> groups() const;
  // Inserts in group order; throws std::invalid_argument if the group is already present.
  void add_cell(CellGenotype cell);
};

// Characters an op name may contain: letters, digits, '_', '-', '.'. Keeping quotes, commas
// and brackets out is what lets every genotype print to a string that parses back.
bool is_op_name_char(char c);
inline constexpr const char* kOpNameCharsRule =
    "op names contain only letters, digits, '_', '-' and '.'";

// Throws std::invalid_argument naming the cell and edge of the first structural problem:
// no cells, groups unsorted/duplicated/negative, a cell without edges, an empty or invalid op
// name, a negative node, from >= to, an empty concat list or one naming a node twice.
// Exactly the genotypes parse_genotype can produce pass.
void validate_genotype(const Genotype& genotype);

// Throws std::invalid_argument("genotype cell <field name>: <problem>"), the form of every
// error about one cell.
[[noreturn]] void throw_cell_error(const CellGenotype& cell, const std::string& problem);

}  // namespace bitnas

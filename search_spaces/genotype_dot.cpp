#include "search_spaces/genotype_dot.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "search_spaces/cell_outputs.hpp"

namespace bitnas {

namespace {

// A DOT double-quoted string.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

constexpr const char* kDeadStyle = "style=dashed, color=gray50, fontcolor=gray50";

std::string node_id(const CellGenotype& cell, int node) {
  return cell.field_name() + "_n" + std::to_string(node);
}

std::string input_label(int input, int num_inputs) {
  return "c_{k-" + std::to_string(num_inputs - input) + "}";
}

void write_cell(std::ostream& out, const CellGenotype& cell, const SearchSpaceConfig& space) {
  const int num_inputs = space.num_init_nodes;
  const int num_nodes = std::max(cell.max_node() + 1, num_inputs);
  const std::vector<int> outputs = cell_output_nodes(cell, space);
  const std::vector<bool> live = nodes_reaching(cell, num_nodes, outputs);
  std::set<int> named;  // internal nodes an edge or the output names
  for (const GenotypeEdge& e : cell.edges) named.insert({e.from, e.to});
  named.insert(outputs.begin(), outputs.end());

  const std::string field = cell.field_name();
  out << "  subgraph " << quoted("cluster_" + field) << " {\n";
  out << "    label=" << quoted(field + (cell.kind == CellKind::reduce
                                              ? " (reduce: edges from inputs have stride 2)"
                                              : " (normal)"))
      << ";\n";
  for (int i = 0; i < num_inputs; ++i) {
    const bool used = live[i] || (space.cell_shortcut && i == num_inputs - 1);
    out << "    " << quoted(node_id(cell, i)) << " [shape=box, label="
        << quoted(input_label(i, num_inputs) + (used ? "" : "\n(unused)"))
        << (used ? ", style=filled, fillcolor=lightblue" : std::string(", ") + kDeadStyle)
        << "];\n";
  }
  for (int n : named) {
    if (n < num_inputs) continue;
    out << "    " << quoted(node_id(cell, n)) << " [shape=ellipse, label="
        << quoted(std::to_string(n) + (live[n] ? "" : "\n(unused)"))
        << (live[n] ? "" : std::string(", ") + kDeadStyle) << "];\n";
  }
  out << "    " << quoted(field + "_out") << " [shape=box, style=filled, fillcolor=palegoldenrod, label="
      << quoted(std::string("c_{k}\n") + to_string(space.concat_op)) << "];\n";
  for (const GenotypeEdge& e : cell.edges) {
    out << "    " << quoted(node_id(cell, e.from)) << " -> " << quoted(node_id(cell, e.to))
        << " [label=" << quoted(e.op) << (live[e.to] ? "" : std::string(", ") + kDeadStyle)
        << "];\n";
  }
  for (int n : outputs)
    out << "    " << quoted(node_id(cell, n)) << " -> " << quoted(field + "_out") << ";\n";
  if (space.cell_shortcut)
    out << "    " << quoted(node_id(cell, num_inputs - 1)) << " -> " << quoted(field + "_out")
        << " [label=\"cell_shortcut\", style=dashed];\n";
  out << "  }\n";
}

}  // namespace

std::string genotype_to_dot(const Genotype& genotype, const SearchSpaceConfig& space,
                            const std::string& title) {
  std::ostringstream out;
  out << "digraph genotype {\n";
  out << "  rankdir=LR;\n";
  out << "  node [fontname=\"Helvetica\"];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  if (!title.empty()) out << "  label=" << quoted(title) << ";\n  labelloc=t;\n";
  for (const CellGenotype& cell : genotype.cells) write_cell(out, cell, space);
  out << "}\n";
  return out.str();
}

}  // namespace bitnas

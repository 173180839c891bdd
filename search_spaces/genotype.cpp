#include "search_spaces/genotype.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace bitnas {

const char* to_string(CellKind kind) { return kind == CellKind::normal ? "normal" : "reduce"; }

std::string to_string(const GenotypeEdge& edge) {
  return "('" + edge.op + "', " + std::to_string(edge.from) + ", " + std::to_string(edge.to) + ")";
}

std::string CellGenotype::field_name() const {
  return std::string(to_string(kind)) + "_" + std::to_string(group);
}

std::vector<int> CellGenotype::output_nodes() const {
  if (concat) return *concat;
  std::set<int> targets;
  for (const GenotypeEdge& e : edges) targets.insert(e.to);
  return {targets.begin(), targets.end()};
}

std::vector<GenotypeEdge> CellGenotype::edges_into(int node) const {
  std::vector<GenotypeEdge> result;
  for (const GenotypeEdge& e : edges)
    if (e.to == node) result.push_back(e);
  return result;
}

int CellGenotype::max_node() const {
  int m = -1;
  for (const GenotypeEdge& e : edges) m = std::max({m, e.from, e.to});
  if (concat)
    for (int n : *concat) m = std::max(m, n);
  return m;
}

const CellGenotype* Genotype::find_cell(int group) const {
  for (const CellGenotype& c : cells)
    if (c.group == group) return &c;
  return nullptr;
}

const CellGenotype& Genotype::cell(int group) const {
  if (const CellGenotype* c = find_cell(group)) return *c;
  std::string present;
  for (const CellGenotype& c : cells) present += (present.empty() ? "" : ", ") + c.field_name();
  throw std::out_of_range("genotype has no cell for group " + std::to_string(group) +
                          " (it has: " + (present.empty() ? "no cells" : present) + ")");
}

std::vector<int> Genotype::groups() const {
  std::vector<int> result;
  for (const CellGenotype& c : cells) result.push_back(c.group);
  return result;
}

void Genotype::add_cell(CellGenotype cell) {
  if (const CellGenotype* existing = find_cell(cell.group))
    throw std::invalid_argument("genotype: cannot add " + cell.field_name() + ", group " +
                                std::to_string(cell.group) + " is already " +
                                existing->field_name());
  auto at = std::find_if(cells.begin(), cells.end(),
                         [&](const CellGenotype& c) { return c.group > cell.group; });
  cells.insert(at, std::move(cell));
}

bool is_op_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

void throw_cell_error(const CellGenotype& cell, const std::string& problem) {
  throw std::invalid_argument("genotype cell " + cell.field_name() + ": " + problem);
}

void validate_genotype(const Genotype& genotype) {
  if (genotype.cells.empty()) throw std::invalid_argument("genotype: has no cells");
  for (std::size_t i = 0; i < genotype.cells.size(); ++i) {
    const CellGenotype& cell = genotype.cells[i];
    if (cell.group < 0) throw_cell_error(cell, "the group index must be non-negative");
    if (i > 0 && genotype.cells[i - 1].group >= cell.group)
      throw_cell_error(cell, "cells must be sorted by group with each group once, but it follows " +
                                 genotype.cells[i - 1].field_name());
    if (cell.edges.empty()) throw_cell_error(cell, "has no edges");
    for (const GenotypeEdge& e : cell.edges) {
      if (e.op.empty()) throw_cell_error(cell, "edge " + to_string(e) + " has an empty op name");
      for (char c : e.op)
        if (!is_op_name_char(c))
          throw_cell_error(cell, "edge " + to_string(e) + ": " + kOpNameCharsRule);
      if (e.from < 0 || e.to < 0)
        throw_cell_error(cell, "edge " + to_string(e) + " names a negative node");
      if (e.from >= e.to)
        throw_cell_error(
            cell, "edge " + to_string(e) + ": the to-node must be greater than the from-node");
    }
    if (cell.concat) {
      if (cell.concat->empty()) throw_cell_error(cell, "the concat list is empty");
      std::set<int> seen;
      for (int n : *cell.concat) {
        if (n < 0)
          throw_cell_error(cell, "the concat list names the negative node " + std::to_string(n));
        if (!seen.insert(n).second)
          throw_cell_error(cell, "the concat list names node " + std::to_string(n) + " twice");
      }
    }
  }
}

}  // namespace bitnas

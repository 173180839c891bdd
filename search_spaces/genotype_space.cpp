#include "search_spaces/genotype_space.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "search_spaces/op_registry.hpp"

namespace bitnas {

namespace {

// True when two input slots of one node hold the same (input, op): the same edge twice, which
// a supernet (one op per edge and primitive) cannot run.
bool repeats_an_edge(const std::vector<int>& decisions, std::size_t first_slot, int inputs) {
  for (int a = 0; a < inputs; ++a)
    for (int b = a + 1; b < inputs; ++b)
      if (decisions[2 * (first_slot + a)] == decisions[2 * (first_slot + b)] &&
          decisions[2 * (first_slot + a) + 1] == decisions[2 * (first_slot + b) + 1])
        return true;
  return false;
}

}  // namespace

GenotypeSpace::GenotypeSpace(const SearchSpaceConfig& space, SamplingRules rules)
    : num_init_nodes_(space.num_init_nodes),
      num_node_inputs_(space.num_node_inputs),
      primitives_(space.primitives),
      rules_(rules) {
  for (std::size_t p = 0; p < primitives_.size(); ++p) {
    const bool is_none = is_known_op(primitives_[p]) && canonical_op_name(primitives_[p]) == "none";
    if (rules_.sample_none || !is_none) drawable_ops_.push_back(static_cast<int>(p));
  }
  if (drawable_ops_.empty())
    throw std::invalid_argument("the space's only primitive is none, which sampling leaves out "
                                "(set sample_none to draw it)");
  for (int g = 0; g < space.num_cell_groups; ++g) {
    const CellKind kind = space.is_reduce_group(g) ? CellKind::reduce : CellKind::normal;
    for (int j = space.num_init_nodes; j < space.num_init_nodes + space.num_steps; ++j)
      for (int k = 0; k < space.num_node_inputs; ++k) {
        slots_.push_back({g, kind, j});
        sizes_.push_back(j);
        sizes_.push_back(static_cast<int>(primitives_.size()));
      }
  }
}

Genotype GenotypeSpace::decode(const std::vector<int>& decisions) const {
  if (decisions.size() != sizes_.size())
    throw std::invalid_argument("GenotypeSpace::decode: " + std::to_string(decisions.size()) +
                                " decisions for a space of " + std::to_string(sizes_.size()));
  Genotype genotype;
  CellGenotype cell;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    if (i == 0 || s.group != slots_[i - 1].group) {
      if (i > 0) genotype.add_cell(std::move(cell));
      cell = CellGenotype{s.kind, s.group, {}, std::nullopt};
    }
    const int from = decisions[2 * i], op = decisions[2 * i + 1];
    if (from < 0 || from >= sizes_[2 * i] || op < 0 || op >= sizes_[2 * i + 1])
      throw std::invalid_argument("GenotypeSpace::decode: decision " + std::to_string(2 * i) +
                                  " out of range");
    cell.edges.push_back({primitives_[static_cast<std::size_t>(op)], from, s.node});
  }
  if (!slots_.empty()) genotype.add_cell(std::move(cell));
  return genotype;
}

std::vector<int> GenotypeSpace::encode(const Genotype& genotype) const {
  std::vector<int> decisions(sizes_.size(), 0);
  std::size_t i = 0;
  while (i < slots_.size()) {
    const Slot& first = slots_[i];
    const CellGenotype* cell = genotype.find_cell(first.group);
    if (!cell) throw std::invalid_argument("genotype has no cell for group " + std::to_string(first.group));
    for (; i < slots_.size() && slots_[i].group == first.group; i += num_node_inputs_) {
      const int node = slots_[i].node;
      const auto edges = cell->edges_into(node);
      if (static_cast<int>(edges.size()) != num_node_inputs_)
        throw std::invalid_argument("genotype cell " + cell->field_name() + ": node " +
                                    std::to_string(node) + " has " + std::to_string(edges.size()) +
                                    " inputs, the space wants " + std::to_string(num_node_inputs_));
      for (int k = 0; k < num_node_inputs_; ++k) {
        const GenotypeEdge& e = edges[static_cast<std::size_t>(k)];
        const std::string& op = canonical_op_name(e.op);
        const auto it = std::find_if(primitives_.begin(), primitives_.end(),
                                     [&](const std::string& p) { return canonical_op_name(p) == op; });
        if (it == primitives_.end())
          throw std::invalid_argument("genotype cell " + cell->field_name() + ": edge " +
                                      to_string(e) + " uses an op outside the space's primitives");
        decisions[2 * (i + k)] = e.from;
        decisions[2 * (i + k) + 1] = static_cast<int>(it - primitives_.begin());
      }
    }
  }
  return decisions;
}

std::string GenotypeSpace::violation(const Genotype& genotype) const {
  for (const CellGenotype& cell : genotype.cells) {
    // The same edge twice: a supernet has one op per (edge, primitive), and train refuses it.
    // random() and mutate() never draw one; a learned policy (reinforce) can, and is told no.
    for (std::size_t a = 0; a < cell.edges.size(); ++a)
      for (std::size_t b = a + 1; b < cell.edges.size(); ++b)
        if (cell.edges[a].from == cell.edges[b].from && cell.edges[a].to == cell.edges[b].to &&
            canonical_op_name(cell.edges[a].op) == canonical_op_name(cell.edges[b].op))
          return "cell " + cell.field_name() + " repeats the edge " + to_string(cell.edges[a]);
    int parameter_free = 0;
    for (const GenotypeEdge& e : cell.edges) {
      const bool known = is_known_op(e.op);
      if (!rules_.sample_none && known && canonical_op_name(e.op) == "none")
        return "cell " + cell.field_name() + " uses none, which sample_none leaves out";
      parameter_free += known && is_parameter_free_op(e.op);
    }
    if (rules_.max_parameter_free_per_cell >= 0 && parameter_free > rules_.max_parameter_free_per_cell)
      return "cell " + cell.field_name() + " has " + std::to_string(parameter_free) +
             " parameter-free edges, above max_parameter_free_per_cell " +
             std::to_string(rules_.max_parameter_free_per_cell);
  }
  return {};
}

bool GenotypeSpace::allowed(const Genotype& genotype) const { return violation(genotype).empty(); }

void GenotypeSpace::restrict_to(Admissible admissible, std::string what) {
  admissible_ = std::move(admissible);
  admissible_what_ = std::move(what);
}

Genotype GenotypeSpace::random(Rng& rng) const {
  // Rejection keeps the draw uniform over the allowed, admissible genotypes.
  constexpr int kMaxDraws = 10000;
  const bool capped = rules_.max_parameter_free_per_cell >= 0;
  int over_cap = 0;
  for (int draw = 0; draw < kMaxDraws; ++draw) {
    Genotype g = random_draw(rng);
    if (capped && !allowed(g)) {
      ++over_cap;
      continue;
    }
    if (admissible(g)) return g;
  }
  std::string why;
  if (over_cap > 0)
    why = std::to_string(over_cap) + " broke max_parameter_free_per_cell " +
          std::to_string(rules_.max_parameter_free_per_cell);
  if (over_cap < kMaxDraws)
    why += (why.empty() ? "" : ", ") + std::to_string(kMaxDraws - over_cap) + " were outside " +
           admissible_what_;
  throw std::invalid_argument(std::to_string(kMaxDraws) + " random genotypes in a row were refused (" +
                              why + "); relax " +
                              (over_cap == kMaxDraws ? std::string("the cap") : admissible_what_));
}

Genotype GenotypeSpace::random_draw(Rng& rng) const {
  const auto draw_op = [&] {
    return drawable_ops_[rng.below(drawable_ops_.size())];
  };
  std::vector<int> decisions(sizes_.size());
  for (std::size_t i = 0; i < slots_.size(); i += num_node_inputs_) {
    const int node = slots_[i].node;
    // Distinct inputs by a partial Fisher-Yates over 0..node-1 when there are enough.
    std::vector<int> candidates(static_cast<std::size_t>(node));
    for (int c = 0; c < node; ++c) candidates[c] = c;
    for (int k = 0; k < num_node_inputs_; ++k) {
      int from;
      if (node >= num_node_inputs_) {
        const auto pick = k + static_cast<int>(rng.below(static_cast<std::uint64_t>(node - k)));
        std::swap(candidates[k], candidates[pick]);
        from = candidates[k];
      } else {
        from = static_cast<int>(rng.below(static_cast<std::uint64_t>(node)));
      }
      decisions[2 * (i + k)] = from;
      decisions[2 * (i + k) + 1] = draw_op();
    }
    // Too few predecessors for distinct inputs: redraw ops until no edge repeats (bounded;
    // a space with fewer primitives than repeats keeps the repeat and the supernet says so).
    for (int attempt = 0; attempt < 64 && repeats_an_edge(decisions, i, num_node_inputs_); ++attempt)
      for (int k = 1; k < num_node_inputs_; ++k) decisions[2 * (i + k) + 1] = draw_op();
  }
  return decode(decisions);
}

Genotype GenotypeSpace::mutate(const Genotype& genotype, Rng& rng) const {
  const std::vector<int> original = encode(genotype);
  // Decisions that have an alternative.
  std::vector<std::size_t> mutable_decisions;
  for (std::size_t d = 0; d < sizes_.size(); ++d)
    if (sizes_[d] > 1) mutable_decisions.push_back(d);
  if (mutable_decisions.empty()) return genotype;
  // A mutation that would repeat an edge within a node (or, for an input, leave a node with
  // two equal inputs when it had distinct ones) is redrawn.
  for (int attempt = 0; attempt < 256; ++attempt) {
    std::vector<int> decisions = original;
    const std::size_t d = mutable_decisions[rng.below(mutable_decisions.size())];
    const std::size_t slot = d / 2, first = slot - slot % num_node_inputs_;
    const int shift = 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(sizes_[d] - 1)));
    decisions[d] = (decisions[d] + shift) % sizes_[d];
    if (!is_op_decision(d)) {
      bool distinct_before = true, distinct_after = true;
      for (int a = 0; a < num_node_inputs_; ++a)
        for (int b = a + 1; b < num_node_inputs_; ++b) {
          distinct_before &= original[2 * (first + a)] != original[2 * (first + b)];
          distinct_after &= decisions[2 * (first + a)] != decisions[2 * (first + b)];
        }
      if (distinct_before && !distinct_after) continue;
    }
    if (repeats_an_edge(decisions, first, num_node_inputs_)) continue;
    if (is_op_decision(d) && std::find(drawable_ops_.begin(), drawable_ops_.end(), decisions[d]) ==
                                 drawable_ops_.end())
      continue;
    Genotype child = decode(decisions);
    if (rules_.max_parameter_free_per_cell >= 0 && !allowed(child)) continue;
    if (!admissible(child)) continue;
    return child;
  }
  return genotype;
}

double GenotypeSpace::log10_size() const {
  double total = 0.0;
  for (int s : sizes_) total += std::log10(static_cast<double>(s));
  return total;
}

}  // namespace bitnas

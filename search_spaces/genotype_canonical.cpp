#include "search_spaces/genotype_canonical.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "ops/core/fnv_hash.hpp"

#include "search_spaces/genotype_printer.hpp"
#include "search_spaces/genotype_shape.hpp"

namespace bitnas {

namespace {

using Key = std::vector<int>;

// Dense ranks: equal keys share a rank and ranks follow the keys' order. Keys are built only
// from label-independent facts, so the ranks are too.
std::vector<int> rank_keys(const std::vector<Key>& keys) {
  std::vector<Key> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<int> ranks(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i)
    ranks[i] =
        static_cast<int>(std::lower_bound(sorted.begin(), sorted.end(), keys[i]) - sorted.begin());
  return ranks;
}

// One cell relabelled: edges as (to, op id, from) sorted, concat ascending. Ordered so the
// search can keep the smallest.
struct CellForm {
  std::vector<std::tuple<int, int, int>> edges;
  std::vector<int> concat;

  bool operator<(const CellForm& o) const {
    return std::tie(edges, concat) < std::tie(o.edges, o.concat);
  }
  bool operator==(const CellForm&) const = default;
};

// What the search has learnt so far: the smallest form with the numbering that produced it,
// and the symmetries of the cell found on the way (a second numbering that gives the same
// form maps the cell onto itself).
struct SearchState {
  std::optional<CellForm> best;
  std::vector<int> best_number;
  std::vector<std::vector<int>> automorphisms;  // node -> node
};

// Union-find over node indices, for orbits of a set of permutations.
class Orbits {
 public:
  explicit Orbits(int n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  int find(int x) { return parent_[x] == x ? x : parent_[x] = find(parent_[x]); }
  void join(int a, int b) { parent_[find(a)] = find(b); }

 private:
  std::vector<int> parent_;
};

class CellCanonicalizer {
 public:
  CellCanonicalizer(const CellGenotype& cell, int num_init_nodes);
  CellGenotype run() const;

 private:
  struct Arc {
    int op;    // index into ops_
    int node;  // original node index
    auto operator<=>(const Arc&) const = default;
  };

  std::vector<int> initial_colors() const;
  void refine(std::vector<int>& colors) const;
  std::vector<int> individualize(const std::vector<int>& colors, int node) const;
  void search(std::vector<int> colors, std::vector<int>& path, SearchState& state) const;
  bool twins(int a, int b) const;
  bool same_orbit(int node, const std::vector<int>& tried, const std::vector<int>& path,
                  const SearchState& state) const;
  // New node numbers once every live node has its own colour; -1 for dead nodes.
  std::vector<int> numbering(const std::vector<int>& colors) const;
  CellForm render(const std::vector<int>& number) const;
  // Init nodes and live internal nodes: the ones that get colours.
  std::vector<int> participants() const;

  const CellGenotype& cell_;
  int num_init_;
  int num_nodes_;
  std::vector<std::string> ops_;  // distinct op names, sorted, so op ids ignore labels
  std::vector<bool> live_, output_;
  std::vector<int> depth_;
  std::vector<std::vector<Arc>> in_, out_;  // live edges only, each list sorted
  std::vector<int> live_internal_;
};

CellCanonicalizer::CellCanonicalizer(const CellGenotype& cell, int num_init_nodes)
    : cell_(cell), num_init_(num_init_nodes) {
  check_no_edge_into_inputs(cell, num_init_nodes);
  num_nodes_ = std::max(num_init_nodes, cell.max_node() + 1);
  for (const GenotypeEdge& e : cell.edges) ops_.push_back(e.op);
  std::sort(ops_.begin(), ops_.end());
  ops_.erase(std::unique(ops_.begin(), ops_.end()), ops_.end());

  output_.assign(num_nodes_, false);
  for (int node : cell.output_nodes()) output_[node] = true;
  // Liveness runs backwards from the outputs; from < to makes one descending sweep enough.
  live_ = output_;
  in_.assign(num_nodes_, {});
  out_.assign(num_nodes_, {});
  for (int node = num_nodes_ - 1; node >= num_init_; --node) {
    if (!live_[node]) continue;
    for (const GenotypeEdge& e : cell.edges) {
      if (e.to != node) continue;
      const int op =
          static_cast<int>(std::lower_bound(ops_.begin(), ops_.end(), e.op) - ops_.begin());
      in_[node].push_back({op, e.from});
      out_[e.from].push_back({op, node});
      live_[e.from] = true;
    }
  }
  for (auto& arcs : in_) std::sort(arcs.begin(), arcs.end());
  for (auto& arcs : out_) std::sort(arcs.begin(), arcs.end());

  depth_.assign(num_nodes_, 0);
  for (int node = num_init_; node < num_nodes_; ++node) {
    if (!live_[node]) continue;
    if (in_[node].empty())
      throw_cell_error(
          cell_, output_[node]
                     ? "node " + std::to_string(node) + " is an output but has no incoming edges"
                     : "node " + std::to_string(node) + " feeds node " +
                           std::to_string(out_[node].front().node) + " but has no incoming edges");
    for (const Arc& a : in_[node]) depth_[node] = std::max(depth_[node], depth_[a.node] + 1);
    live_internal_.push_back(node);
  }
  if (live_internal_.empty())
    throw_cell_error(cell_,
                     "no edge reaches the cell output (its concat list names only cell inputs)");
}

std::vector<int> CellCanonicalizer::participants() const {
  std::vector<int> nodes;
  for (int i = 0; i < num_init_; ++i) nodes.push_back(i);
  nodes.insert(nodes.end(), live_internal_.begin(), live_internal_.end());
  return nodes;
}

// Inputs keep their own colours 0..num_init-1; internal nodes start grouped by depth and
// whether they are outputs. Depth first is what keeps from < to after renumbering.
std::vector<int> CellCanonicalizer::initial_colors() const {
  const std::vector<int> nodes = participants();
  std::vector<Key> keys;
  for (int v : nodes)
    keys.push_back(v < num_init_ ? Key{0, v} : Key{1, depth_[v], output_[v] ? 0 : 1});
  const std::vector<int> ranks = rank_keys(keys);
  std::vector<int> colors(num_nodes_, -1);
  for (std::size_t i = 0; i < nodes.size(); ++i) colors[nodes[i]] = ranks[i];
  return colors;
}

// Splits colour classes by the (op, colour) multisets of each node's inputs and consumers
// until nothing splits. A new key starts with the old colour, so the order between existing
// classes (and the inputs' colours) never changes.
void CellCanonicalizer::refine(std::vector<int>& colors) const {
  const std::vector<int> nodes = participants();
  int classes = -1;
  for (;;) {
    std::vector<Key> keys;
    for (int v : nodes) {
      Key key{colors[v]};
      for (const auto* arcs : {&in_[v], &out_[v]}) {
        std::vector<std::pair<int, int>> neighbours;
        for (const Arc& a : *arcs) neighbours.emplace_back(a.op, colors[a.node]);
        std::sort(neighbours.begin(), neighbours.end());
        key.push_back(static_cast<int>(neighbours.size()));
        for (const auto& [op, color] : neighbours) key.insert(key.end(), {op, color});
      }
      keys.push_back(std::move(key));
    }
    const std::vector<int> ranks = rank_keys(keys);
    const int now = ranks.empty() ? 0 : *std::max_element(ranks.begin(), ranks.end()) + 1;
    for (std::size_t i = 0; i < nodes.size(); ++i) colors[nodes[i]] = ranks[i];
    if (now == classes) return;
    classes = now;
  }
}

// `node` moves to the front of its class, alone.
std::vector<int> CellCanonicalizer::individualize(const std::vector<int>& colors, int node) const {
  const std::vector<int> nodes = participants();
  std::vector<Key> keys;
  for (int v : nodes) keys.push_back({colors[v], v == node ? 0 : 1});
  const std::vector<int> ranks = rank_keys(keys);
  std::vector<int> split = colors;
  for (std::size_t i = 0; i < nodes.size(); ++i) split[nodes[i]] = ranks[i];
  return split;
}

// Same inputs, same consumers (by op and original node) and same output role: swapping the
// two is a symmetry of the cell, so trying both orders would give the same forms.
bool CellCanonicalizer::twins(int a, int b) const {
  return in_[a] == in_[b] && out_[a] == out_[b] && output_[a] == output_[b];
}

// A known symmetry that fixes every node individualised so far and maps `node` onto a node
// already tried makes the two subtrees images of each other: same forms, so skip it.
bool CellCanonicalizer::same_orbit(int node, const std::vector<int>& tried,
                                   const std::vector<int>& path, const SearchState& state) const {
  if (tried.empty() || state.automorphisms.empty()) return false;
  Orbits orbits(num_nodes_);
  for (const std::vector<int>& gamma : state.automorphisms) {
    if (!std::all_of(path.begin(), path.end(), [&](int p) { return gamma[p] == p; })) continue;
    for (int v = 0; v < num_nodes_; ++v) orbits.join(v, gamma[v]);
  }
  return std::any_of(tried.begin(), tried.end(),
                     [&](int t) { return orbits.find(t) == orbits.find(node); });
}

// Individualisation-refinement: refine, then branch on each member of the first class that
// is still tied. Every leaf is a numbering; the smallest form over all leaves is the same
// whatever the input numbering was, because every step depends only on colours.
void CellCanonicalizer::search(std::vector<int> colors, std::vector<int>& path,
                               SearchState& state) const {
  refine(colors);
  std::map<int, std::vector<int>> classes;
  for (int v : live_internal_) classes[colors[v]].push_back(v);
  const std::vector<int>* tied = nullptr;
  for (const auto& [color, members] : classes)
    if (members.size() > 1) {
      tied = &members;
      break;
    }
  if (!tied) {
    std::vector<int> number = numbering(colors);
    CellForm form = render(number);
    if (!state.best || form < *state.best) {
      state.best = std::move(form);
      state.best_number = std::move(number);
    } else if (form == *state.best) {
      // Node v here plays the part of the node that the best numbering numbers alike.
      std::vector<int> node_of(num_nodes_, -1);
      for (int v = 0; v < num_nodes_; ++v)
        if (state.best_number[v] >= 0) node_of[state.best_number[v]] = v;
      std::vector<int> gamma(num_nodes_);
      for (int v = 0; v < num_nodes_; ++v) gamma[v] = number[v] >= 0 ? node_of[number[v]] : v;
      state.automorphisms.push_back(std::move(gamma));
    }
    return;
  }
  std::vector<int> tried;
  for (int v : *tied) {
    if (std::any_of(tried.begin(), tried.end(), [&](int t) { return twins(v, t); })) continue;
    if (same_orbit(v, tried, path, state)) continue;
    tried.push_back(v);
    path.push_back(v);
    search(individualize(colors, v), path, state);
    path.pop_back();
  }
}

std::vector<int> CellCanonicalizer::numbering(const std::vector<int>& colors) const {
  std::vector<int> order = live_internal_;
  std::sort(order.begin(), order.end(), [&](int a, int b) { return colors[a] < colors[b]; });
  std::vector<int> number(num_nodes_, -1);
  for (int i = 0; i < num_init_; ++i) number[i] = i;
  for (std::size_t i = 0; i < order.size(); ++i) number[order[i]] = num_init_ + static_cast<int>(i);
  return number;
}

CellForm CellCanonicalizer::render(const std::vector<int>& number) const {
  CellForm form;
  for (int v : live_internal_)
    for (const Arc& a : in_[v]) form.edges.emplace_back(number[v], a.op, number[a.node]);
  std::sort(form.edges.begin(), form.edges.end());
  for (int v = 0; v < num_nodes_; ++v)
    if (output_[v]) form.concat.push_back(number[v]);
  std::sort(form.concat.begin(), form.concat.end());
  return form;
}

CellGenotype CellCanonicalizer::run() const {
  SearchState state;
  std::vector<int> path;
  search(initial_colors(), path, state);
  CellGenotype result{cell_.kind, cell_.group, {}, state.best->concat};
  for (const auto& [to, op, from] : state.best->edges) result.edges.push_back({ops_[op], from, to});
  return result;
}

}  // namespace

Genotype canonicalize(const Genotype& genotype, int num_init_nodes) {
  if (num_init_nodes < 1)
    throw std::invalid_argument("canonicalize: num_init_nodes must be >= 1, got " +
                                std::to_string(num_init_nodes));
  validate_genotype(genotype);
  Genotype result;
  for (const CellGenotype& cell : genotype.cells)
    result.cells.push_back(CellCanonicalizer(cell, num_init_nodes).run());
  return result;
}

std::string genotype_hash(const Genotype& genotype, int num_init_nodes) {
  return fnv1a_hex(to_string(canonicalize(genotype, num_init_nodes)));
}

}  // namespace bitnas

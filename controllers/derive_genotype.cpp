#include "controllers/derive_genotype.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "search_spaces/genotype_space.hpp"
#include "search_spaces/op_registry.hpp"

namespace bitnas {

int none_primitive_index(const SearchSpaceConfig& space) {
  for (std::size_t i = 0; i < space.primitives.size(); ++i)
    if (is_known_op(space.primitives[i]) && canonical_op_name(space.primitives[i]) == "none")
      return static_cast<int>(i);
  return -1;
}

namespace {

struct Candidate {
  int from = 0;
  std::vector<int> ops;  // eligible ops, strongest first (ties: lower index)
  float score = 0.0f;    // weight of ops.front()
};

}  // namespace

Genotype derive_genotype(const SearchSpaceConfig& space, const EdgeWeights& weights,
                         bool let_none_win) {
  const std::vector<SupernetEdge> edges = supernet_edges(space);
  const int P = static_cast<int>(space.primitives.size());
  if (weights.size() != edges.size())
    throw std::invalid_argument("derive_genotype: " + std::to_string(weights.size()) +
                                " weight rows for " + std::to_string(edges.size()) +
                                " supernet edges");
  for (std::size_t e = 0; e < weights.size(); ++e) {
    if (static_cast<int>(weights[e].size()) != P)
      throw std::invalid_argument("derive_genotype: edge " + std::to_string(e) + " has " +
                                  std::to_string(weights[e].size()) + " weights for " +
                                  std::to_string(P) + " primitives");
    for (float w : weights[e])
      if (!std::isfinite(w))
        throw std::invalid_argument("derive_genotype: edge " + std::to_string(e) +
                                    " has a weight that is not finite");
  }
  const int none = let_none_win ? -1 : none_primitive_index(space);
  std::vector<int> eligible;
  for (int op = 0; op < P; ++op)
    if (op != none) eligible.push_back(op);
  if (eligible.empty())
    throw std::invalid_argument("derive_genotype: the space has no primitive besides 'none'");

  const int k = space.num_node_inputs;
  std::vector<int> decisions;  // GenotypeSpace order: (group, node, slot) -> from, op
  for (std::size_t first = 0; first < edges.size();) {
    std::vector<Candidate> candidates;
    std::size_t e = first;
    for (; e < edges.size() && edges[e].group == edges[first].group && edges[e].to == edges[first].to; ++e) {
      Candidate c{edges[e].from, eligible, 0.0f};
      std::stable_sort(c.ops.begin(), c.ops.end(),
                       [&](int a, int b) { return weights[e][a] > weights[e][b]; });
      c.score = weights[e][c.ops.front()];
      candidates.push_back(std::move(c));
    }
    first = e;
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.score > b.score; });

    std::vector<std::pair<int, int>> kept;  // (from, op)
    const std::size_t n = candidates.size();
    for (int slot = 0; slot < k; ++slot) {
      const Candidate& c = candidates[static_cast<std::size_t>(slot) % n];
      const std::size_t repeat = static_cast<std::size_t>(slot) / n;
      kept.emplace_back(c.from, c.ops[repeat % c.ops.size()]);
    }
    std::stable_sort(kept.begin(), kept.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [from, op] : kept) {
      decisions.push_back(from);
      decisions.push_back(op);
    }
  }
  return GenotypeSpace(space).decode(decisions);
}

}  // namespace bitnas

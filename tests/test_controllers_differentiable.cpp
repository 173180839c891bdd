#include <gtest/gtest.h>

#include <cmath>

#include "controllers/differentiable_controller.hpp"
#include "search_spaces/genotype_space.hpp"
#include "test_controllers_util.hpp"

namespace bitnas {
namespace {

using testing::controller_test_space;

// Supernet edges per group of a 2-step space: 0->2, 1->2, 0->3, 1->3, 2->3.
const EdgeWeights kHandSet = {
    // group 0, node 2: skip wins edge 0, bconv edge 1; both kept (only two predecessors)
    {0.1f, 0.5f, 0.4f}, {0.6f, 0.1f, 0.3f},
    // group 0, node 3: edge from 0 is strong only through `none`
    {0.2f, 0.1f, 0.7f}, {0.3f, 0.35f, 0.35f}, {0.45f, 0.1f, 0.45f},
    // group 1, node 2: op ties, and `none` strongest on both edges
    {0.3f, 0.3f, 0.4f}, {0.2f, 0.2f, 0.6f},
    // group 1, node 3: three edges tied at 0.5
    {0.5f, 0.2f, 0.3f}, {0.2f, 0.5f, 0.3f}, {0.5f, 0.1f, 0.4f},
};

std::vector<GenotypeEdge> edges_of(const Genotype& g, int group) { return g.cell(group).edges; }

TEST(DeriveGenotype, KeepsTheStrongestEdgesWithTheirStrongestNonNoneOp) {
  const SearchSpaceConfig space = controller_test_space(2, "[bconv_3x3, skip_connect, none]");
  const Genotype g = derive_genotype(space, kHandSet, false);
  EXPECT_EQ(edges_of(g, 0), (std::vector<GenotypeEdge>{{"skip_connect", 0, 2},
                                                       {"bconv_3x3", 1, 2},
                                                       {"skip_connect", 1, 3},
                                                       {"bconv_3x3", 2, 3}}));
  // Ties: the lower primitive index on an edge, the lower source node between edges.
  EXPECT_EQ(edges_of(g, 1), (std::vector<GenotypeEdge>{{"bconv_3x3", 0, 2},
                                                       {"bconv_3x3", 1, 2},
                                                       {"bconv_3x3", 0, 3},
                                                       {"skip_connect", 1, 3}}));
  EXPECT_NO_THROW(GenotypeSpace(space).encode(g));
}

TEST(DeriveGenotype, LetNoneWinKeepsNoneEdges) {
  const SearchSpaceConfig space = controller_test_space(2, "[bconv_3x3, skip_connect, none]");
  const Genotype g = derive_genotype(space, kHandSet, true);
  // The edge from 0 now ranks first by its `none` weight; on 2->3 bconv and none tie at 0.45
  // and the lower index wins.
  EXPECT_EQ(edges_of(g, 0), (std::vector<GenotypeEdge>{{"skip_connect", 0, 2},
                                                       {"bconv_3x3", 1, 2},
                                                       {"none", 0, 3},
                                                       {"bconv_3x3", 2, 3}}));
  // A node whose kept edges are all `none` stays, with `none` edges (it outputs zeros).
  EXPECT_EQ(edges_of(g, 1), (std::vector<GenotypeEdge>{{"none", 0, 2},
                                                       {"none", 1, 2},
                                                       {"bconv_3x3", 0, 3},
                                                       {"skip_connect", 1, 3}}));
  EXPECT_NO_THROW(GenotypeSpace(space).encode(g));
}

TEST(DeriveGenotype, NodeWithFewerPredecessorsRepeatsItsEdgeWithTheNextOp) {
  // One input node: node 1 has a single predecessor for its two input slots.
  const SearchSpaceConfig space = controller_test_space(2, "[bconv_3x3, skip_connect, none]", 1);
  EdgeWeights w(supernet_edges(space).size(), std::vector<float>{0.4f, 0.3f, 0.3f});
  w[0] = {0.2f, 0.3f, 0.5f};  // group 0, 0->1: skip, then bconv (none excluded)
  const Genotype g = derive_genotype(space, w, false);
  const std::vector<GenotypeEdge> into1 = g.cell(0).edges_into(1);
  EXPECT_EQ(into1, (std::vector<GenotypeEdge>{{"skip_connect", 0, 1}, {"bconv_3x3", 0, 1}}));
  EXPECT_NO_THROW(GenotypeSpace(space).encode(g));
}

TEST(DeriveGenotype, RejectsWrongShapesAndANoneOnlySpace) {
  const SearchSpaceConfig space = controller_test_space(2, "[bconv_3x3, skip_connect, none]");
  EdgeWeights w = kHandSet;
  w.pop_back();
  EXPECT_THROW(derive_genotype(space, w, false), std::invalid_argument);
  w = kHandSet;
  w[3].push_back(0.0f);
  EXPECT_THROW(derive_genotype(space, w, false), std::invalid_argument);
  w = kHandSet;
  w[1][0] = NAN;
  EXPECT_THROW(derive_genotype(space, w, false), std::invalid_argument);

  // The config reader refuses a none-only space; derive still defends against one.
  SearchSpaceConfig none_only = space;
  none_only.primitives = {"none"};
  const EdgeWeights ones(supernet_edges(none_only).size(), std::vector<float>{1.0f});
  EXPECT_THROW(derive_genotype(none_only, ones, false), std::invalid_argument);
  EXPECT_EQ(derive_genotype(none_only, ones, true).cell(0).edges.front().op, "none");
}

EdgeWeights random_weights(std::size_t rows, std::size_t cols, Rng& rng, float scale) {
  EdgeWeights w(rows, std::vector<float>(cols));
  for (auto& row : w)
    for (float& v : row) v = scale * rng.normal();
  return w;
}

double dot(const EdgeWeights& a, const EdgeWeights& b) {
  double s = 0.0;
  for (std::size_t e = 0; e < a.size(); ++e)
    for (std::size_t i = 0; i < a[e].size(); ++i) s += static_cast<double>(a[e][i]) * b[e][i];
  return s;
}

// Compares alpha_gradient(R) with central differences of <R, weights(alpha)>, where
// `weights` recomputes the differentiable weights for the current alpha.
template <typename Weights>
void expect_alpha_gradient_matches(DifferentiableController& c, const EdgeWeights& alpha,
                                   const EdgeWeights& analytic, const EdgeWeights& r,
                                   Weights weights) {
  for (std::size_t e = 0; e < alpha.size(); e += 3)
    for (std::size_t i = 0; i < alpha[e].size(); ++i) {
      EdgeWeights a = alpha;
      const float plus = alpha[e][i] + 1e-3f, minus = alpha[e][i] - 1e-3f;
      a[e][i] = plus;
      c.set_alpha(a);
      const double f_plus = dot(weights(), r);
      a[e][i] = minus;
      c.set_alpha(a);
      const double f_minus = dot(weights(), r);
      const double numeric = (f_plus - f_minus) / (static_cast<double>(plus) - minus);
      EXPECT_NEAR(analytic[e][i], numeric, 2e-4 + 1e-2 * std::abs(numeric)) << "edge " << e << " op " << i;
    }
  c.set_alpha(alpha);
}

TEST(DartsController, AlphaGradientIsTheSoftmaxJacobian) {
  const SearchSpaceConfig space = controller_test_space(2, "[bconv_3x3, skip_connect, avg_pool_3x3, none]");
  DifferentiableController c(space, {}, 3);
  Rng rng(5);
  const EdgeWeights alpha = random_weights(c.edges().size(), 4, rng, 1.0f);
  const EdgeWeights r = random_weights(c.edges().size(), 4, rng, 1.0f);
  c.set_alpha(alpha);
  EXPECT_EQ(c.edge_weights(), c.probabilities());
  const EdgeWeights analytic = c.alpha_gradient(r);
  expect_alpha_gradient_matches(c, alpha, analytic, r, [&] { return c.edge_weights(); });
}

TEST(GdasController, AlphaGradientGoesThroughTheSoftGumbelDraw) {
  const SearchSpaceConfig space = controller_test_space(2, "[bconv_3x3, skip_connect, avg_pool_3x3, none]");
  DifferentiableSettings settings;
  settings.mode = DifferentiableMode::gdas;
  DifferentiableController c(space, settings, 3);
  c.set_progress(0.5);
  EXPECT_DOUBLE_EQ(c.temperature(), 2.75);
  EXPECT_THROW(c.alpha_gradient(EdgeWeights(c.edges().size(), std::vector<float>(4))),
               std::logic_error);
  Rng rng(6);
  const EdgeWeights alpha = random_weights(c.edges().size(), 4, rng, 1.0f);
  const EdgeWeights r = random_weights(c.edges().size(), 4, rng, 1.0f);
  c.set_alpha(alpha);
  const ControllerState before_draw = c.save();
  c.edge_weights();
  const EdgeWeights analytic = c.alpha_gradient(r);
  // Same noise for every perturbed alpha: restore the Rng, then draw.
  expect_alpha_gradient_matches(c, alpha, analytic, r, [&] {
    const EdgeWeights a = c.alpha();
    c.load(before_draw);
    c.set_alpha(a);
    c.edge_weights();
    return *c.gumbel_soft_weights();
  });
}

TEST(GdasController, DrawsOneHotWeightsDistributedAsSoftmaxAlpha) {
  const SearchSpaceConfig space = controller_test_space(2, "[bconv_3x3, skip_connect, avg_pool_3x3, none]");
  DifferentiableSettings settings;
  settings.mode = DifferentiableMode::gdas;
  DifferentiableController c(space, settings, 8);
  const std::vector<float> p = {0.1f, 0.2f, 0.3f, 0.4f};
  std::vector<float> logits;
  for (float v : p) logits.push_back(std::log(v));
  c.set_alpha(EdgeWeights(c.edges().size(), logits));
  std::vector<double> counts(4, 0.0);
  const int draws = 2000;
  for (int d = 0; d < draws; ++d) {
    const EdgeWeights w = c.edge_weights();
    for (std::size_t e = 0; e < w.size(); ++e) {
      int ones = 0, hot = -1;
      for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(w[e][i] == 0.0f || w[e][i] == 1.0f);
        if (w[e][i] == 1.0f) ++ones, hot = i;
      }
      ASSERT_EQ(ones, 1);
      const std::vector<float>& soft = (*c.gumbel_soft_weights())[e];
      EXPECT_EQ(std::max_element(soft.begin(), soft.end()) - soft.begin(), hot);
      counts[hot] += 1.0;
    }
  }
  const double total = static_cast<double>(draws) * c.edges().size();
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(counts[i] / total, p[i], 0.015) << "primitive " << i;
}

TEST(DartsController, GradientStepsMoveTheDerivedGenotype) {
  const SearchSpaceConfig space = controller_test_space(2, "[bconv_3x3, skip_connect, none]");
  DifferentiableSettings settings;
  settings.lr = 0.05;
  DifferentiableController c(space, settings, 2);
  // dL/dw = -1 on skip_connect: the loss falls as skip's weight grows; none is pushed down.
  EdgeWeights grad(c.edges().size(), std::vector<float>{0.0f, -1.0f, 1.0f});
  for (int s = 0; s < 30; ++s) {
    c.edge_weights();
    c.apply_weight_gradients(grad);
  }
  for (const std::vector<float>& p : c.probabilities()) EXPECT_GT(p[1], 0.5f);
  const std::vector<Genotype> derived = c.sample(2);
  ASSERT_EQ(derived.size(), 2u);
  EXPECT_EQ(derived[0], derived[1]);
  for (const CellGenotype& cell : derived[0].cells)
    for (const GenotypeEdge& e : cell.edges) EXPECT_EQ(e.op, "skip_connect");
  EXPECT_EQ(c.best(1).front(), derived[0]);
}

TEST(GdasController, TemperatureFallsLinearlyWithProgress) {
  const SearchSpaceConfig space = controller_test_space(2, "[bconv_3x3, none]");
  DifferentiableSettings settings;
  settings.mode = DifferentiableMode::gdas;
  DifferentiableController c(space, settings, 1);
  EXPECT_DOUBLE_EQ(c.temperature(), 5.0);
  c.set_progress(1.0);
  EXPECT_DOUBLE_EQ(c.temperature(), 0.5);
  c.set_progress(7.0);  // clamped
  EXPECT_DOUBLE_EQ(c.temperature(), 0.5);
}

}  // namespace
}  // namespace bitnas

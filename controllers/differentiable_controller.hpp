#pragma once
// Differentiable search (first-order DARTS, or GDAS): architecture logits alpha[edge][primitive]
// over supernet_edges(space), trained by Adam from the gradient the supernet reports for the
// edge weights it was given.
//   DARTS: edge_weights() = softmax(alpha) per edge; dL/dalpha through the softmax Jacobian.
//   GDAS:  edge_weights() = one-hot argmax of y = softmax((alpha + Gumbel noise) / tau) per edge,
//          noise from the controller's Rng; dL/dalpha goes straight through to the soft y of
//          that same draw: dL/dalpha = (1/tau) * y * (g - <y, g>) for g = dL/dweights.
//          tau falls linearly from gumbel_temperature to gumbel_temperature_min as the search
//          driver reports progress (GDAS anneals by epoch, which only the driver knows).
// sample(n) returns n copies of the genotype derived from softmax(alpha) (derive_genotype);
// step() only records rewards, for best().
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controllers/controller.hpp"
#include "controllers/derive_genotype.hpp"
#include "controllers/evaluation_history.hpp"
#include "ops/optim/adam.hpp"

namespace bitnas {

enum class DifferentiableMode { darts, gdas };
const char* to_string(DifferentiableMode mode);

struct DifferentiableSettings {
  bool operator==(const DifferentiableSettings&) const = default;
  DifferentiableMode mode = DifferentiableMode::darts;
  double lr = 3e-4;
  double beta1 = 0.5, beta2 = 0.999;  // DARTS's architecture optimizer
  double weight_decay = 1e-3;         // L2, as torch.optim.Adam's weight_decay
  double gumbel_temperature = 5.0;    // GDAS tau at the start ...
  double gumbel_temperature_min = 0.5;  // ... and at the end
  bool let_none_win = false;          // derive rule (derive_genotype.hpp)
  double alpha_init_std = 1e-3;       // alpha starts N(0, std^2) (DARTS)
};

class DifferentiableController : public Controller {
 public:
  DifferentiableController(const SearchSpaceConfig& space, const DifferentiableSettings& settings,
                           std::uint64_t seed);

  std::string type_name() const override { return "differentiable"; }
  std::vector<Genotype> sample(int n) override;
  void step(const std::vector<Genotype>& genotypes, const std::vector<double>& rewards) override;
  // The derived genotype, then the best evaluated ones.
  std::vector<Genotype> best(int n) override;

  ControllerState save() const override;
  // Also throws std::invalid_argument for a state saved in the other mode.
  void load(const ControllerState& state) override;

  // The weights the supernet mixes its candidate ops with, [edge][primitive]. GDAS draws new
  // Gumbel noise on every call.
  EdgeWeights edge_weights();
  // dL/dalpha for dL/d(edge weights): DARTS at the current alpha, GDAS through the soft
  // probabilities of the last edge_weights() draw (std::logic_error if there was none).
  EdgeWeights alpha_gradient(const EdgeWeights& weight_grad) const;
  // alpha_gradient, then one Adam step on alpha.
  void apply_weight_gradients(const EdgeWeights& weight_grad);

  // Fraction of the search done, clamped to [0, 1]; sets the GDAS temperature.
  void set_progress(double fraction) override;

  bool learns_from_gradients() const override { return true; }
  void select_mixture(Supernet& supernet) override { supernet.set_edge_weights(edge_weights()); }
  void learn_from_gradients(const Supernet& supernet) override {
    apply_weight_gradients(supernet.edge_weight_gradients());
  }
  double temperature() const;

  const std::vector<SupernetEdge>& edges() const { return edges_; }
  EdgeWeights alpha() const;
  void set_alpha(const EdgeWeights& alpha);
  // softmax(alpha) per edge: what the derive rule reads.
  EdgeWeights probabilities() const;
  // The soft y of the last GDAS draw.
  const std::optional<EdgeWeights>& gumbel_soft_weights() const { return gumbel_soft_; }

 private:
  void check_shape(const EdgeWeights& w, const char* what) const;

  SearchSpaceConfig space_config_;
  GenotypeSpace space_;
  DifferentiableSettings settings_;
  std::vector<SupernetEdge> edges_;
  int num_primitives_;
  Rng rng_;
  Parameter alpha_;  // [edges, primitives]
  Adam adam_;
  double progress_ = 0.0;
  std::optional<EdgeWeights> gumbel_soft_;
  EvaluationHistory history_;
};

}  // namespace bitnas

#pragma once
// The ENAS controller policy: a one-layer LSTM walks the decisions of a GenotypeSpace in
// order; its input is a learned start vector, then the embedding of the previous decision (an
// input-node table and an op table). Each decision reads its logits from the hidden state
// through a linear head: one head per node j for "which earlier node feeds j" (j outputs), one
// shared head for "which op" (P outputs). Logits are clipped ENAS style,
//   l = tanh_constant * tanh(z / temperature)   (tanh_constant 0: l = z / temperature),
// and a node's later inputs cannot repeat its earlier ones when it has enough predecessors
// (as GenotypeSpace::random). Forward and backward (through time) are computed in double
// from the float parameters, so finite differences check them tightly.
#include <string>
#include <utility>
#include <vector>

#include "ops/core/module.hpp"
#include "ops/core/random.hpp"
#include "search_spaces/genotype_space.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas {

struct LstmPolicyOptions {
  int hidden_size = 64;
  double tanh_constant = 1.1;
  double temperature = 5.0;
  float init_range = 0.1f;  // parameters start U(-init_range, init_range) (ENAS)
};

class LstmPolicy {
 public:
  // Draws the initial parameters from `init_rng`. Throws std::invalid_argument for a
  // non-positive hidden size or temperature, or a negative tanh_constant.
  LstmPolicy(const SearchSpaceConfig& space, const LstmPolicyOptions& options, Rng& init_rng);
  LstmPolicy(const LstmPolicy&) = delete;
  LstmPolicy& operator=(const LstmPolicy&) = delete;

  struct Rollout {
    std::vector<int> decisions;
    double log_prob = 0.0;  // sum over decisions of log p(decision)
    double entropy = 0.0;   // sum over decisions of the entropy of its distribution
  };

  Rollout sample(Rng& rng) const;
  // The most probable decision at every step (ties: lowest index).
  Rollout argmax() const;
  // Teacher forcing; throws std::invalid_argument for a vector of the wrong length, a value out
  // of range, or a repeated input the policy never samples.
  Rollout evaluate(const std::vector<int>& decisions) const;
  // Adds d(log_prob_weight * log_prob + entropy_weight * entropy)/d(parameter) of the given
  // decisions to every parameter's grad; returns the rollout.
  Rollout accumulate_gradients(const std::vector<int>& decisions, double log_prob_weight,
                               double entropy_weight);

  // Stable names: "start", "input_embedding", "op_embedding", "lstm.w_x", "lstm.w_h",
  // "lstm.bias", "input_head.<j>.weight"/".bias", "op_head.weight"/".bias".
  std::vector<NamedParameter> parameters();
  // (name, value) copies in the same order, for saving from a const controller.
  std::vector<std::pair<std::string, Tensor>> parameter_values() const;
  const GenotypeSpace& space() const { return space_; }

 private:
  struct Step;
  struct Weights;
  enum class Pick { sample, argmax, given };
  Rollout run(Pick pick, Rng* rng, const std::vector<int>* given, std::vector<Step>* trace) const;
  Weights weights() const;
  // Index of the head parameters for input decisions into node `node`.
  std::size_t input_head(int node) const;

  GenotypeSpace space_;
  int num_init_nodes_, num_node_inputs_;
  LstmPolicyOptions options_;
  std::vector<std::string> names_;
  std::vector<Parameter> params_;  // fixed after construction: optimizers hold pointers
};

}  // namespace bitnas

#include "controllers/differentiable_controller.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "controllers/controller_state_io.hpp"

namespace bitnas {

const char* to_string(DifferentiableMode mode) {
  return mode == DifferentiableMode::gdas ? "gdas" : "darts";
}

namespace {

// Softmax of `logits / temperature` in double, written as float.
std::vector<float> softmax_row(const float* logits, int n, double temperature) {
  double max_value = -INFINITY;
  for (int i = 0; i < n; ++i) max_value = std::max(max_value, logits[i] / temperature);
  std::vector<double> e(static_cast<std::size_t>(n));
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += e[i] = std::exp(logits[i] / temperature - max_value);
  std::vector<float> out(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out[i] = static_cast<float>(e[i] / sum);
  return out;
}

// d/dlogits of <g, softmax(logits / temperature)> given p = that softmax.
std::vector<float> softmax_backward(const std::vector<float>& p, const std::vector<float>& g,
                                    double temperature) {
  double dot = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) dot += static_cast<double>(p[i]) * g[i];
  std::vector<float> out(p.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    out[i] = static_cast<float>(p[i] * (g[i] - dot) / temperature);
  return out;
}

}  // namespace

DifferentiableController::DifferentiableController(const SearchSpaceConfig& space,
                                                   const DifferentiableSettings& settings,
                                                   std::uint64_t seed)
    : space_config_(space),
      space_(space),
      settings_(settings),
      edges_(supernet_edges(space)),
      num_primitives_(static_cast<int>(space.primitives.size())),
      rng_(seed),
      alpha_(Tensor({static_cast<int>(edges_.size()), num_primitives_}), ParamRole::weight),
      adam_({ParamGroup{{&alpha_}, static_cast<float>(settings.lr),
                        static_cast<float>(settings.weight_decay), "alpha"}},
            AdamOptions{static_cast<float>(settings.beta1), static_cast<float>(settings.beta2)}),
      history_(space.num_init_nodes) {
  if (!(settings.gumbel_temperature_min > 0.0 &&
        settings.gumbel_temperature_min <= settings.gumbel_temperature))
    throw std::invalid_argument(
        "differentiable controller: need 0 < gumbel_temperature_min <= gumbel_temperature");
  if (!settings.let_none_win && none_primitive_index(space) >= 0 && num_primitives_ == 1)
    throw std::invalid_argument("differentiable controller: 'none' is the only primitive");
  fill_normal(alpha_.value, rng_, 0.0f, static_cast<float>(settings.alpha_init_std));
}

void DifferentiableController::check_shape(const EdgeWeights& w, const char* what) const {
  if (w.size() != edges_.size())
    throw std::invalid_argument(std::string("differentiable controller: ") + what + " has " +
                                std::to_string(w.size()) + " rows for " +
                                std::to_string(edges_.size()) + " supernet edges");
  for (const auto& row : w)
    if (static_cast<int>(row.size()) != num_primitives_)
      throw std::invalid_argument(std::string("differentiable controller: ") + what +
                                  " has a row of " + std::to_string(row.size()) + " for " +
                                  std::to_string(num_primitives_) + " primitives");
}

double DifferentiableController::temperature() const {
  const double hi = settings_.gumbel_temperature, lo = settings_.gumbel_temperature_min;
  return hi - (hi - lo) * progress_;
}

void DifferentiableController::set_progress(double fraction) {
  if (!std::isfinite(fraction)) throw std::invalid_argument("set_progress: fraction is not finite");
  progress_ = std::clamp(fraction, 0.0, 1.0);
}

EdgeWeights DifferentiableController::alpha() const {
  EdgeWeights out(edges_.size());
  for (std::size_t e = 0; e < edges_.size(); ++e)
    out[e].assign(alpha_.value.data() + e * num_primitives_,
                  alpha_.value.data() + (e + 1) * num_primitives_);
  return out;
}

void DifferentiableController::set_alpha(const EdgeWeights& alpha) {
  check_shape(alpha, "alpha");
  for (std::size_t e = 0; e < edges_.size(); ++e)
    std::copy(alpha[e].begin(), alpha[e].end(), alpha_.value.data() + e * num_primitives_);
  alpha_.mark_modified();
}

EdgeWeights DifferentiableController::probabilities() const {
  EdgeWeights out(edges_.size());
  for (std::size_t e = 0; e < edges_.size(); ++e)
    out[e] = softmax_row(alpha_.value.data() + e * num_primitives_, num_primitives_, 1.0);
  return out;
}

EdgeWeights DifferentiableController::edge_weights() {
  if (settings_.mode == DifferentiableMode::darts) return probabilities();
  const double tau = temperature();
  EdgeWeights soft(edges_.size()), hard(edges_.size());
  std::vector<float> noisy(static_cast<std::size_t>(num_primitives_));
  for (std::size_t e = 0; e < edges_.size(); ++e) {
    for (int i = 0; i < num_primitives_; ++i) {
      // U in (0, 1): never 0, so both logarithms stay finite.
      const double u = static_cast<double>(rng_.uniform()) + 0x1.0p-25;
      noisy[i] = alpha_.value[static_cast<std::int64_t>(e) * num_primitives_ + i] -
                 static_cast<float>(std::log(-std::log(u)));
    }
    soft[e] = softmax_row(noisy.data(), num_primitives_, tau);
    const auto winner = std::max_element(soft[e].begin(), soft[e].end()) - soft[e].begin();
    hard[e].assign(static_cast<std::size_t>(num_primitives_), 0.0f);
    hard[e][static_cast<std::size_t>(winner)] = 1.0f;
  }
  gumbel_soft_ = std::move(soft);
  return hard;
}

EdgeWeights DifferentiableController::alpha_gradient(const EdgeWeights& weight_grad) const {
  check_shape(weight_grad, "weight gradient");
  const bool gdas = settings_.mode == DifferentiableMode::gdas;
  if (gdas && !gumbel_soft_)
    throw std::logic_error("differentiable controller (gdas): apply_weight_gradients before any "
                           "edge_weights() draw");
  const EdgeWeights p = gdas ? *gumbel_soft_ : probabilities();
  const double tau = gdas ? temperature() : 1.0;
  EdgeWeights out(edges_.size());
  for (std::size_t e = 0; e < edges_.size(); ++e) out[e] = softmax_backward(p[e], weight_grad[e], tau);
  return out;
}

void DifferentiableController::apply_weight_gradients(const EdgeWeights& weight_grad) {
  const EdgeWeights g = alpha_gradient(weight_grad);
  for (std::size_t e = 0; e < edges_.size(); ++e)
    std::copy(g[e].begin(), g[e].end(), alpha_.grad.data() + e * num_primitives_);
  adam_.step();
}

std::vector<Genotype> DifferentiableController::sample(int n) {
  if (n <= 0) return {};
  return std::vector<Genotype>(static_cast<std::size_t>(n),
                               derive_genotype(space_config_, probabilities(), settings_.let_none_win));
}

void DifferentiableController::step(const std::vector<Genotype>& genotypes,
                                    const std::vector<double>& rewards) {
  check_step_arguments(space_, genotypes, rewards);
  history_.record(genotypes, rewards);
}

std::vector<Genotype> DifferentiableController::best(int n) {
  return history_.best_after(derive_genotype(space_config_, probabilities(), settings_.let_none_win), n);
}

ControllerState DifferentiableController::save() const {
  ControllerState state;
  stamp_state_type(state, type_name());
  state.strings["mode"] = to_string(settings_.mode);
  state.strings["rng"] = rng_.state();
  state.strings["progress"] = exact_text(progress_);
  state.tensors["alpha"] = alpha_.value;
  if (gumbel_soft_) {
    Tensor soft({static_cast<int>(edges_.size()), num_primitives_});
    for (std::size_t e = 0; e < edges_.size(); ++e)
      std::copy((*gumbel_soft_)[e].begin(), (*gumbel_soft_)[e].end(), soft.data() + e * num_primitives_);
    state.tensors["gumbel_soft"] = soft;
  }
  for (const auto& [key, tensor] : adam_.state()) state.tensors["adam." + key] = tensor;
  history_.save(state);
  return state;
}

void DifferentiableController::load(const ControllerState& state) {
  const std::string type = type_name();
  require_state_type(state, type);
  const std::string& mode = state_string(state, type, "mode");
  if (mode != to_string(settings_.mode))
    throw std::invalid_argument("differentiable controller state is of mode '" + mode +
                                "', this controller runs '" + to_string(settings_.mode) + "'");
  Rng rng;
  rng.set_state(state_string(state, type, "rng"));
  const double progress = parse_exact_double(state_string(state, type, "progress"),
                                             type + " controller progress");
  const Shape shape{static_cast<int>(edges_.size()), num_primitives_};
  const Tensor& alpha = state_tensor(state, type, "alpha", shape);
  std::optional<EdgeWeights> soft;
  if (state.tensors.count("gumbel_soft")) {
    const Tensor& t = state_tensor(state, type, "gumbel_soft", shape);
    soft.emplace(edges_.size());
    for (std::size_t e = 0; e < edges_.size(); ++e)
      (*soft)[e].assign(t.data() + e * num_primitives_, t.data() + (e + 1) * num_primitives_);
  }
  std::map<std::string, Tensor> adam_state;
  for (const auto& [key, tensor] : state.tensors)
    if (key.rfind("adam.", 0) == 0) adam_state.emplace(key.substr(5), tensor);
  EvaluationHistory history(history_);
  history.load(state, type);

  adam_.load_state(adam_state);  // validates before changing anything
  alpha_.value = alpha;
  alpha_.mark_modified();
  rng_ = rng;
  progress_ = std::clamp(progress, 0.0, 1.0);
  gumbel_soft_ = std::move(soft);
  history_ = std::move(history);
}

}  // namespace bitnas

#include "controllers/lstm_policy.hpp"

#include <Eigen/Core>
#include <cmath>
#include <stdexcept>

#include "ops/core/eigen_view.hpp"

namespace bitnas {

namespace {

// Positions in params_; the input heads follow, weight and bias per node.
enum : std::size_t {
  kStart,
  kInputEmbedding,
  kOpEmbedding,
  kWx,
  kWh,
  kBias,
  kOpHeadWeight,
  kOpHeadBias,
  kFirstInputHead
};

Eigen::VectorXd sigmoid(const Eigen::VectorXd& a) {
  return a.unaryExpr([](double v) { return 1.0 / (1.0 + std::exp(-v)); });
}

Eigen::VectorXd tanh_of(const Eigen::VectorXd& a) {
  return a.unaryExpr([](double v) { return std::tanh(v); });
}

// A parameter as a rows x cols double matrix (rank-1 tensors are columns).
Eigen::MatrixXd to_double(const Parameter& p) {
  const Eigen::Index rows = p.value.dim(0), cols = p.value.numel() / rows;
  return matrix_view(p.value.data(), rows, cols, cols).cast<double>();
}

}  // namespace

// What one decision's forward pass keeps for backward.
struct LstmPolicy::Step {
  std::size_t input_param = kStart;  // which table x came from
  int input_row = 0;
  Eigen::VectorXd x, h_prev, c_prev, i, f, g, o, tanh_c, h;
  std::size_t head = kOpHeadWeight;  // head weight index; its bias follows
  Eigen::VectorXd u;                 // z / temperature
  Eigen::VectorXd p, log_p;
  std::vector<bool> allowed;
  int choice = 0;
  double entropy = 0.0;
};

struct LstmPolicy::Weights {
  std::vector<Eigen::MatrixXd> m;  // parallel to params_
};

LstmPolicy::LstmPolicy(const SearchSpaceConfig& space, const LstmPolicyOptions& options,
                       Rng& init_rng)
    : space_(space),
      num_init_nodes_(space.num_init_nodes),
      num_node_inputs_(space.num_node_inputs),
      options_(options) {
  if (options.hidden_size < 1)
    throw std::invalid_argument("LSTM policy: hidden_size must be >= 1");
  if (!(options.temperature > 0.0))
    throw std::invalid_argument("LSTM policy: temperature must be > 0");
  if (!(options.tanh_constant >= 0.0))
    throw std::invalid_argument("LSTM policy: tanh_constant must be >= 0");
  const int H = options.hidden_size;
  const int P = static_cast<int>(space.primitives.size());
  const int max_input = space.num_init_nodes + space.num_steps - 1;  // inputs 0..max_input-1
  auto add = [&](std::string name, Shape shape, ParamRole role) {
    Parameter p(Tensor(std::move(shape)), role);
    fill_uniform(p.value, init_rng, -options.init_range, options.init_range);
    names_.push_back(std::move(name));
    params_.push_back(std::move(p));
  };
  add("start", {1, H}, ParamRole::weight);
  add("input_embedding", {std::max(max_input, 1), H}, ParamRole::weight);
  add("op_embedding", {P, H}, ParamRole::weight);
  add("lstm.w_x", {4 * H, H}, ParamRole::weight);
  add("lstm.w_h", {4 * H, H}, ParamRole::weight);
  add("lstm.bias", {4 * H}, ParamRole::bias);
  add("op_head.weight", {P, H}, ParamRole::weight);
  add("op_head.bias", {P}, ParamRole::bias);
  for (int j = space.num_init_nodes; j < space.num_init_nodes + space.num_steps; ++j) {
    add("input_head." + std::to_string(j) + ".weight", {j, H}, ParamRole::weight);
    add("input_head." + std::to_string(j) + ".bias", {j}, ParamRole::bias);
  }
}

std::size_t LstmPolicy::input_head(int node) const {
  return kFirstInputHead + 2 * static_cast<std::size_t>(node - num_init_nodes_);
}

LstmPolicy::Weights LstmPolicy::weights() const {
  Weights w;
  for (const Parameter& p : params_) w.m.push_back(to_double(p));
  return w;
}

std::vector<NamedParameter> LstmPolicy::parameters() {
  std::vector<NamedParameter> out;
  for (std::size_t i = 0; i < params_.size(); ++i) out.push_back({names_[i], &params_[i]});
  return out;
}

std::vector<std::pair<std::string, Tensor>> LstmPolicy::parameter_values() const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (std::size_t i = 0; i < params_.size(); ++i) out.emplace_back(names_[i], params_[i].value);
  return out;
}

LstmPolicy::Rollout LstmPolicy::run(Pick pick, Rng* rng, const std::vector<int>* given,
                                    std::vector<Step>* trace) const {
  const std::vector<int>& sizes = space_.decision_sizes();
  if (given && given->size() != sizes.size())
    throw std::invalid_argument("LSTM policy: " + std::to_string(given->size()) +
                                " decisions for a space of " + std::to_string(sizes.size()));
  const Weights w = weights();
  const int H = options_.hidden_size;
  const double T = options_.temperature, tc = options_.tanh_constant;
  Eigen::VectorXd h = Eigen::VectorXd::Zero(H), c = Eigen::VectorXd::Zero(H);
  Rollout rollout;
  for (std::size_t t = 0; t < sizes.size(); ++t) {
    Step s;
    if (t > 0) {
      s.input_param = space_.is_op_decision(t - 1) ? kOpEmbedding : kInputEmbedding;
      s.input_row = rollout.decisions.back();
    }
    s.x = w.m[s.input_param].row(s.input_row).transpose();
    s.h_prev = h;
    s.c_prev = c;
    const Eigen::VectorXd a = w.m[kWx] * s.x + w.m[kWh] * h + w.m[kBias];
    s.i = sigmoid(a.segment(0, H));
    s.f = sigmoid(a.segment(H, H));
    s.g = tanh_of(a.segment(2 * H, H));
    s.o = sigmoid(a.segment(3 * H, H));
    c = s.f.cwiseProduct(s.c_prev) + s.i.cwiseProduct(s.g);
    s.tanh_c = tanh_of(c);
    h = s.o.cwiseProduct(s.tanh_c);
    s.h = h;

    const int size = sizes[t];
    const bool is_op = space_.is_op_decision(t);
    s.head = is_op ? kOpHeadWeight : input_head(size);  // an input decision's size is its node
    s.u = (w.m[s.head] * h + w.m[s.head + 1]) / T;
    const Eigen::VectorXd logits = tc > 0.0 ? Eigen::VectorXd(tc * tanh_of(s.u)) : s.u;

    s.allowed.assign(static_cast<std::size_t>(size), true);
    if (!is_op && size >= num_node_inputs_) {
      const std::size_t slot = t / 2, k = slot % num_node_inputs_;
      for (std::size_t m = 0; m < k; ++m)
        s.allowed[static_cast<std::size_t>(rollout.decisions[2 * (slot - k + m)])] = false;
    }
    double max_logit = -INFINITY;
    for (int k = 0; k < size; ++k)
      if (s.allowed[k]) max_logit = std::max(max_logit, logits[k]);
    double sum = 0.0;
    for (int k = 0; k < size; ++k)
      if (s.allowed[k]) sum += std::exp(logits[k] - max_logit);
    s.p = Eigen::VectorXd::Zero(size);
    s.log_p = Eigen::VectorXd::Zero(size);
    for (int k = 0; k < size; ++k)
      if (s.allowed[k]) {
        s.log_p[k] = logits[k] - max_logit - std::log(sum);
        s.p[k] = std::exp(s.log_p[k]);
        s.entropy -= s.p[k] * s.log_p[k];
      }

    int choice = -1;
    if (pick == Pick::given) {
      choice = (*given)[t];
      if (choice < 0 || choice >= size)
        throw std::invalid_argument("LSTM policy: decision " + std::to_string(t) + " is " +
                                    std::to_string(choice) + ", outside 0.." +
                                    std::to_string(size - 1));
      if (!s.allowed[choice])
        throw std::invalid_argument("LSTM policy: decision " + std::to_string(t) +
                                    " repeats an input of the same node, which the policy "
                                    "never samples");
    } else if (pick == Pick::argmax) {
      for (int k = 0; k < size; ++k)
        if (s.allowed[k] && (choice < 0 || s.p[k] > s.p[choice])) choice = k;
    } else {
      const double r = rng->uniform();
      double cumulative = 0.0;
      for (int k = 0; k < size; ++k) {
        if (!s.allowed[k]) continue;
        choice = k;  // the last allowed one absorbs rounding
        cumulative += s.p[k];
        if (r < cumulative) break;
      }
    }
    s.choice = choice;
    rollout.decisions.push_back(choice);
    rollout.log_prob += s.log_p[choice];
    rollout.entropy += s.entropy;
    if (trace) trace->push_back(std::move(s));
  }
  return rollout;
}

LstmPolicy::Rollout LstmPolicy::sample(Rng& rng) const {
  return run(Pick::sample, &rng, nullptr, nullptr);
}

LstmPolicy::Rollout LstmPolicy::argmax() const { return run(Pick::argmax, nullptr, nullptr, nullptr); }

LstmPolicy::Rollout LstmPolicy::evaluate(const std::vector<int>& decisions) const {
  return run(Pick::given, nullptr, &decisions, nullptr);
}

LstmPolicy::Rollout LstmPolicy::accumulate_gradients(const std::vector<int>& decisions,
                                                     double log_prob_weight,
                                                     double entropy_weight) {
  std::vector<Step> trace;
  const Rollout rollout = run(Pick::given, nullptr, &decisions, &trace);
  const Weights w = weights();
  Weights grad;
  for (const Eigen::MatrixXd& m : w.m) grad.m.push_back(Eigen::MatrixXd::Zero(m.rows(), m.cols()));

  const int H = options_.hidden_size;
  const double T = options_.temperature, tc = options_.tanh_constant;
  Eigen::VectorXd dh_next = Eigen::VectorXd::Zero(H), dc_next = Eigen::VectorXd::Zero(H);
  for (std::size_t t = trace.size(); t-- > 0;) {
    const Step& s = trace[t];
    // d/dlogits of weight_lp * log p(choice) + weight_ent * entropy (masked entries: none).
    Eigen::VectorXd dlogits = Eigen::VectorXd::Zero(s.p.size());
    for (Eigen::Index k = 0; k < s.p.size(); ++k)
      if (s.allowed[k])
        dlogits[k] = log_prob_weight * ((k == s.choice ? 1.0 : 0.0) - s.p[k]) -
                     entropy_weight * s.p[k] * (s.log_p[k] + s.entropy);
    Eigen::VectorXd dz;
    if (tc > 0.0) {
      const Eigen::VectorXd th = tanh_of(s.u);
      dz = dlogits.cwiseProduct((1.0 - th.array().square()).matrix()) * (tc / T);
    } else {
      dz = dlogits / T;
    }
    grad.m[s.head] += dz * s.h.transpose();
    grad.m[s.head + 1] += dz;
    const Eigen::VectorXd dh = w.m[s.head].transpose() * dz + dh_next;

    const Eigen::VectorXd d_o = dh.cwiseProduct(s.tanh_c);
    const Eigen::VectorXd dc =
        dh.cwiseProduct(s.o).cwiseProduct((1.0 - s.tanh_c.array().square()).matrix()) + dc_next;
    Eigen::VectorXd da(4 * H);
    da.segment(0, H) = dc.cwiseProduct(s.g).cwiseProduct(s.i).cwiseProduct((1.0 - s.i.array()).matrix());
    da.segment(H, H) = dc.cwiseProduct(s.c_prev).cwiseProduct(s.f).cwiseProduct((1.0 - s.f.array()).matrix());
    da.segment(2 * H, H) = dc.cwiseProduct(s.i).cwiseProduct((1.0 - s.g.array().square()).matrix());
    da.segment(3 * H, H) = d_o.cwiseProduct(s.o).cwiseProduct((1.0 - s.o.array()).matrix());
    dc_next = dc.cwiseProduct(s.f);

    grad.m[kWx] += da * s.x.transpose();
    grad.m[kWh] += da * s.h_prev.transpose();
    grad.m[kBias] += da;
    grad.m[s.input_param].row(s.input_row) += (w.m[kWx].transpose() * da).transpose();
    dh_next = w.m[kWh].transpose() * da;
  }

  for (std::size_t i = 0; i < params_.size(); ++i) {
    Parameter& p = params_[i];
    const Eigen::Index rows = grad.m[i].rows(), cols = grad.m[i].cols();
    matrix_view(p.grad.data(), rows, cols, cols) += grad.m[i].cast<float>();
  }
  return rollout;
}

}  // namespace bitnas

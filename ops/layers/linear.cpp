#include "ops/layers/linear.hpp"

#include <stdexcept>

#include "ops/core/eigen_view.hpp"
#include "ops/layers/layer_checks.hpp"

namespace bitnas {

Linear::Linear(int in_features, int out_features, Rng& rng, bool bias)
    : in_features_(in_features), out_features_(out_features), has_bias_(bias) {
  require_argument(in_features >= 1 && out_features >= 1, "Linear",
                   "feature counts must be positive, got " + std::to_string(in_features) + " -> " +
                       std::to_string(out_features));
  weight_ = Parameter(Tensor({out_features, in_features}), ParamRole::weight);
  fill_fan_in_uniform(weight_.value, rng, in_features);
  if (bias) {
    bias_ = Parameter(Tensor({out_features}), ParamRole::bias);
    fill_fan_in_uniform(bias_.value, rng, in_features);
  }
}

Tensor Linear::forward(const Tensor& input, Mode mode) {
  require_rank_one_of(input, {2, 4}, "Linear");
  if (input.rank() == 4 && (input.dim(1) != 1 || input.dim(2) != 1))
    throw std::invalid_argument("Linear: a rank-4 input must be [N, 1, 1, C], got shape " +
                                input.shape_string());
  require_channels(input, in_features_, "Linear");
  const int N = input.dim(0);
  Tensor y({N, out_features_});
  auto out = matrix_view(y.data(), N, out_features_, out_features_);
  out.noalias() =
      matrix_view(input.data(), N, in_features_, in_features_) *
      matrix_view(weight_.value.data(), out_features_, in_features_, in_features_).transpose();
  if (has_bias_)
    out.rowwise() += matrix_view(bias_.value.data(), 1, out_features_, out_features_).row(0);
  has_state_ = mode == Mode::train;
  input_ = has_state_ ? input : Tensor();
  last_input_shape_ = input.shape();
  return y;
}

Tensor Linear::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  const int N = input_.dim(0);
  require_grad_shape(grad_output, {N, out_features_}, type_name());
  const auto dy = matrix_view(grad_output.data(), N, out_features_, out_features_);
  const auto x = matrix_view(input_.data(), N, in_features_, in_features_);
  matrix_view(weight_.grad.data(), out_features_, in_features_, in_features_).noalias() +=
      dy.transpose() * x;
  if (has_bias_)
    matrix_view(bias_.grad.data(), 1, out_features_, out_features_) += dy.colwise().sum();
  Tensor dx = Tensor::uninitialized(input_.shape());
  matrix_view(dx.data(), N, in_features_, in_features_).noalias() =
      dy * matrix_view(weight_.value.data(), out_features_, in_features_, in_features_);
  input_ = Tensor();  // backward is its last use
  has_state_ = false;
  return dx;
}

void Linear::collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) {
  out.push_back({prefix + "weight", &weight_});
  if (has_bias_) out.push_back({prefix + "bias", &bias_});
}

}  // namespace bitnas

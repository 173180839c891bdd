#pragma once
// Fully connected layer y = x W^T + b on [N, in] (or [N, 1, 1, in], as global pooling of an
// NHWC tensor leaves it) -> [N, out]. W is [out][in] like PyTorch's nn.Linear, and so is the
// init: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias.
#include "ops/core/module.hpp"
#include "ops/core/random.hpp"

namespace bitnas {

class Linear : public Module {
 public:
  Linear(int in_features, int out_features, Rng& rng, bool bias = true);

  std::string type_name() const override { return "Linear"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;
  void collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) override;

  int in_features() const { return in_features_; }
  int out_features() const { return out_features_; }
  Parameter& weight() { return weight_; }
  Parameter* bias() { return has_bias_ ? &bias_ : nullptr; }
  // Shape of the input of the last forward (train or eval); empty before the first.
  const Shape& last_input_shape() const { return last_input_shape_; }

 private:
  int in_features_, out_features_;
  bool has_bias_;
  Parameter weight_;  // [out][in]
  Parameter bias_;    // [out]
  Tensor input_;      // the last train-mode input, in its original shape
  bool has_state_ = false;
  Shape last_input_shape_;
};

}  // namespace bitnas

#pragma once
// Concatenation along the last dimension (channels): the `concat` concat_op and the join of
// the factorized reduce's two branches. Inputs agree in every other dimension.
#include "ops/core/module.hpp"

namespace bitnas {

class Concat : public MergeModule {
 public:
  Concat() = default;
  std::string type_name() const override { return "Concat"; }
  Tensor forward(const std::vector<Tensor>& inputs, Mode mode) override;
  std::vector<Tensor> backward(const Tensor& grad_output) override;

 private:
  std::vector<Shape> input_shapes_;  // of the last train-mode forward
  Shape output_shape_;
  bool has_state_ = false;
};

}  // namespace bitnas

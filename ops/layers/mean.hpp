#pragma once
// Elementwise mean of n same-shaped inputs (sum / n): the `mean` concat_op.
#include "ops/core/module.hpp"

namespace bitnas {

class Mean : public MergeModule {
 public:
  Mean() = default;
  std::string type_name() const override { return "Mean"; }
  Tensor forward(const std::vector<Tensor>& inputs, Mode mode) override;
  std::vector<Tensor> backward(const Tensor& grad_output) override;

 private:
  Shape shape_;
  std::size_t count_ = 0;
  bool has_state_ = false;
};

}  // namespace bitnas

#pragma once
// Elementwise sum of any number of same-shaped inputs: a node summing its edges, and the
// `sum` concat_op.
#include "ops/core/module.hpp"

namespace bitnas {

class Add : public MergeModule {
 public:
  Add() = default;
  std::string type_name() const override { return "Add"; }
  Tensor forward(const std::vector<Tensor>& inputs, Mode mode) override;
  std::vector<Tensor> backward(const Tensor& grad_output) override;

 private:
  Shape shape_;
  std::size_t count_ = 0;
  bool has_state_ = false;
};

}  // namespace bitnas

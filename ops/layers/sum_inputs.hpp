#pragma once
// The shared core of the Add and Mean merges: an elementwise sum of same-shaped inputs, in
// input order, divided by a constant, and the gradient it sends back to every input.
#include <string>
#include <vector>

#include "ops/core/tensor.hpp"

namespace bitnas {

// (inputs[0] + inputs[1] + ...) / divisor. Throws std::invalid_argument naming `op` unless
// there is at least one input and all shapes agree.
Tensor sum_inputs(const std::vector<Tensor>& inputs, float divisor, const std::string& op);

// `count` copies of grad_output / divisor.
std::vector<Tensor> spread_sum_gradient(const Tensor& grad_output, std::size_t count,
                                        float divisor);

}  // namespace bitnas

#include "ops/layers/sum_inputs.hpp"

#include <stdexcept>

#include "ops/layers/row_parallel.hpp"

namespace bitnas {

Tensor sum_inputs(const std::vector<Tensor>& inputs, float divisor, const std::string& op) {
  if (inputs.empty()) throw std::invalid_argument(op + ": needs at least one input");
  for (std::size_t k = 1; k < inputs.size(); ++k)
    if (!inputs[k].same_shape(inputs[0]))
      throw std::invalid_argument(op + ": input " + std::to_string(k) + " has shape " +
                                  inputs[k].shape_string() + ", input 0 has shape " +
                                  inputs[0].shape_string());
  Tensor y = inputs[0];
  float* out = y.data();
  for_each_row_block(y.numel(), static_cast<std::int64_t>(inputs.size()),
                     [&](std::int64_t b, std::int64_t e) {
                       for (std::size_t k = 1; k < inputs.size(); ++k) {
                         const float* x = inputs[k].data();
                         for (std::int64_t i = b; i < e; ++i) out[i] += x[i];
                       }
                       if (divisor != 1.0f)
                         for (std::int64_t i = b; i < e; ++i) out[i] /= divisor;
                     });
  return y;
}

std::vector<Tensor> spread_sum_gradient(const Tensor& grad_output, std::size_t count,
                                        float divisor) {
  Tensor g = grad_output;
  if (divisor != 1.0f)
    for (float& v : g.values()) v /= divisor;
  return std::vector<Tensor>(count, g);
}

}  // namespace bitnas

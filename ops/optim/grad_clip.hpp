#pragma once
// Gradient clipping by global L2 norm, as torch.nn.utils.clip_grad_norm_.
#include <vector>

#include "ops/core/module.hpp"

namespace bitnas {

// Returns the L2 norm of all the parameters' grads taken together. If it is finite and
// max_norm / (norm + 1e-6) < 1, every grad is multiplied by that factor. Squares are summed in
// double in the order given, so the result is the same on any number of threads. A non-finite
// norm is returned with the grads left untouched (PyTorch would turn them into NaN or zero);
// the caller decides whether to skip the step.
float clip_grad_norm(const std::vector<Parameter*>& params, float max_norm);

}  // namespace bitnas

#pragma once
// A module's checkpoint state (Module::named_state: parameter values and buffers) as owned
// tensors, and back.
#include <map>
#include <string>

#include "ops/core/module.hpp"

namespace bitnas {

// Copies of every parameter value and buffer, by name.
std::map<std::string, Tensor> capture_module_state(Module& module);

// Writes `state` into the module's parameters and buffers and calls mark_modified() on every
// parameter, so layers that cache derived weights (packed binary weights) rebuild them.
// Refuses with std::invalid_argument, writing nothing, unless the names and shapes match the
// module exactly; the message names the first missing, unexpected or mis-shaped tensor.
void restore_module_state(Module& module, const std::map<std::string, Tensor>& state);

}  // namespace bitnas

#pragma once
// docs/DESIGN.md, Layer orders: sign() applied straight to a ReLU output is constant +1 (unless a
// shortcut was added in between), so the binary conv after it sees no information. A model with
// that pattern gets a warning; it is legal, just almost certainly not what was meant.
#include <string>
#include <vector>

#include "ops/core/module.hpp"

namespace bitnas {

// One message per binary conv whose sign input comes straight from a ReLU, naming it.
std::vector<std::string> constant_sign_inputs(Module& model);

// Logs constant_sign_inputs(model) as one warning on the log channel (first few names and a count).
void warn_about_constant_signs(Module& model);

}  // namespace bitnas

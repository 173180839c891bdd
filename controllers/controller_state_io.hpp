#pragma once
// Reading and writing ControllerState pieces the same way in every controller: exact text for
// numbers (a resumed search must continue bit for bit), the type stamp load() checks first, and
// lookups whose errors say which controller state lacks what.
#include <string>

#include "controllers/controller.hpp"
#include "ops/core/exact_text.hpp"

namespace bitnas {

// exact_text / parse_exact_double (ops/core/exact_text.hpp) write and read its numbers.

// Every controller stamps its type_name() into the state ...
void stamp_state_type(ControllerState& state, const std::string& type);
// ... and load() calls this first: throws std::invalid_argument when the stamp differs.
void require_state_type(const ControllerState& state, const std::string& type);

// Throw std::invalid_argument("<type> controller state: ...") when the entry is missing (or,
// for tensors, shaped differently from `shape`).
const std::string& state_string(const ControllerState& state, const std::string& type,
                                const std::string& key);
const Tensor& state_tensor(const ControllerState& state, const std::string& type,
                           const std::string& key, const Shape& shape);

}  // namespace bitnas

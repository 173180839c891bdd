#include "controllers/controller_state_io.hpp"

#include <charconv>
#include <stdexcept>

namespace bitnas {


void stamp_state_type(ControllerState& state, const std::string& type) {
  state.strings["type"] = type;
}

void require_state_type(const ControllerState& state, const std::string& type) {
  const auto it = state.strings.find("type");
  if (it == state.strings.end())
    throw std::invalid_argument("controller state has no type; expected a '" + type +
                                "' controller's state");
  if (it->second != type)
    throw std::invalid_argument("controller state is of a '" + it->second +
                                "' controller, not of a '" + type + "' controller");
}

const std::string& state_string(const ControllerState& state, const std::string& type,
                                const std::string& key) {
  const auto it = state.strings.find(key);
  if (it == state.strings.end())
    throw std::invalid_argument(type + " controller state: missing '" + key + "'");
  return it->second;
}

const Tensor& state_tensor(const ControllerState& state, const std::string& type,
                           const std::string& key, const Shape& shape) {
  const auto it = state.tensors.find(key);
  if (it == state.tensors.end())
    throw std::invalid_argument(type + " controller state: missing tensor '" + key + "'");
  if (it->second.shape() != shape)
    throw std::invalid_argument(type + " controller state: tensor '" + key + "' is " +
                                it->second.shape_string() + ", expected " + shape_string(shape));
  return it->second;
}

}  // namespace bitnas

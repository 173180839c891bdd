#include "storage/module_state.hpp"

#include <stdexcept>
#include <vector>

namespace bitnas {

std::map<std::string, Tensor> capture_module_state(Module& module) {
  std::map<std::string, Tensor> state;
  for (const auto& [name, tensor] : module.named_state()) state.emplace(name, *tensor);
  return state;
}

namespace {

// Every difference between the module's tensors and `state`, in name order.
std::vector<std::string> state_mismatches(const std::map<std::string, Tensor*>& targets,
                                          const std::map<std::string, Tensor>& state) {
  std::vector<std::string> problems;
  auto t = targets.begin();
  auto s = state.begin();
  while (t != targets.end() || s != state.end()) {
    if (s == state.end() || (t != targets.end() && t->first < s->first)) {
      problems.push_back("tensor '" + t->first + "' of the model is missing from the state");
      ++t;
    } else if (t == targets.end() || s->first < t->first) {
      problems.push_back("tensor '" + s->first + "' of the state does not exist in the model");
      ++s;
    } else {
      if (!t->second->same_shape(s->second))
        problems.push_back("tensor '" + t->first + "' has shape " + s->second.shape_string() +
                           " in the state but " + t->second->shape_string() + " in the model");
      ++t;
      ++s;
    }
  }
  return problems;
}

}  // namespace

void restore_module_state(Module& module, const std::map<std::string, Tensor>& state) {
  const std::map<std::string, Tensor*> targets = module.named_state();
  const std::vector<std::string> problems = state_mismatches(targets, state);
  if (!problems.empty()) {
    std::string message = "cannot restore module state: " + problems.front();
    if (problems.size() > 1)
      message += " (and " + std::to_string(problems.size() - 1) + " more differences)";
    throw std::invalid_argument(message);
  }
  for (const auto& [name, tensor] : targets) *tensor = state.at(name);
  for (const auto& p : module.parameters()) p.param->mark_modified();
}

}  // namespace bitnas

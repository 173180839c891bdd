#include "ops/core/module.hpp"

namespace bitnas {

const char* to_string(ParamRole role) {
  switch (role) {
    case ParamRole::weight: return "weight";
    case ParamRole::bias: return "bias";
    case ParamRole::binary_weight: return "binary_weight";
    case ParamRole::norm: return "norm";
  }
  return "?";
}

void Module::collect_parameters(const std::string&, std::vector<NamedParameter>&) {}
void Module::collect_buffers(const std::string&, std::vector<NamedBuffer>&) {}

std::vector<NamedParameter> Module::parameters() {
  std::vector<NamedParameter> out;
  collect_parameters("", out);
  return out;
}

std::vector<NamedBuffer> Module::buffers() {
  std::vector<NamedBuffer> out;
  collect_buffers("", out);
  return out;
}

std::map<std::string, Tensor*> Module::named_state() {
  std::map<std::string, Tensor*> state;
  for (auto& p : parameters()) state[p.name] = &p.param->value;
  for (auto& b : buffers()) state[b.name] = b.tensor;
  return state;
}

void Module::zero_grad() {
  for (auto& p : parameters()) p.param->grad.fill(0.0f);
}

Module& Sequential::add(std::unique_ptr<Module> module, std::string name) {
  if (name.empty()) name = std::to_string(children_.size());
  children_.push_back({std::move(name), std::move(module)});
  return *children_.back().module;
}

Tensor Sequential::forward(const Tensor& input, Mode mode) {
  Tensor x = input;
  for (auto& c : children_) x = c.module->forward(x, mode);
  return x;
}

Tensor Sequential::backward(const Tensor& grad_output) {
  Tensor g = grad_output;
  for (auto it = children_.rbegin(); it != children_.rend(); ++it) g = it->module->backward(g);
  return g;
}

void Sequential::collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) {
  for (auto& c : children_) c.module->collect_parameters(prefix + c.name + ".", out);
}

void Sequential::collect_buffers(const std::string& prefix, std::vector<NamedBuffer>& out) {
  for (auto& c : children_) c.module->collect_buffers(prefix + c.name + ".", out);
}

}  // namespace bitnas

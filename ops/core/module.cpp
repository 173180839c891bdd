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


namespace {

void visit_below(Module& module, const std::string& name,
                 const std::function<void(const std::string&, Module&)>& visit) {
  visit(name, module);
  for (const auto& [child_name, child] : module.children())
    visit_below(*child, name.empty() ? child_name : name + "." + child_name, visit);
}

}  // namespace

void visit_modules(Module& root, const std::function<void(const std::string&, Module&)>& visit) {
  visit_below(root, "", visit);
}

void collect_child_parameters(const std::vector<std::pair<std::string, Module*>>& children,
                              const std::string& prefix, std::vector<NamedParameter>& out) {
  for (const auto& [name, child] : children) child->collect_parameters(prefix + name + ".", out);
}

void collect_child_buffers(const std::vector<std::pair<std::string, Module*>>& children,
                           const std::string& prefix, std::vector<NamedBuffer>& out) {
  for (const auto& [name, child] : children) child->collect_buffers(prefix + name + ".", out);
}

void Module::collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) {
  collect_child_parameters(children(), prefix, out);
}

void Module::collect_buffers(const std::string& prefix, std::vector<NamedBuffer>& out) {
  collect_child_buffers(children(), prefix, out);
}

void MergeModule::collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) {
  collect_child_parameters(children(), prefix, out);
}

void MergeModule::collect_buffers(const std::string& prefix, std::vector<NamedBuffer>& out) {
  collect_child_buffers(children(), prefix, out);
}

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

std::vector<std::pair<std::string, Module*>> Sequential::children() {
  std::vector<std::pair<std::string, Module*>> out;
  for (auto& c : children_) out.emplace_back(c.name, c.module.get());
  return out;
}

}  // namespace bitnas

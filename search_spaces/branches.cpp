#include "search_spaces/branches.hpp"

#include <stdexcept>

#include "ops/layers/add.hpp"
#include "ops/layers/layer_checks.hpp"

namespace bitnas {

Branches::Branches(std::string type, std::unique_ptr<MergeModule> merge)
    : type_(std::move(type)), merge_(std::move(merge)) {
  require_argument(merge_ != nullptr, type_, "needs a merge module");
}

Branches& Branches::add(std::string name, std::unique_ptr<Module> branch) {
  require_argument(branch != nullptr, type_, "branch '" + name + "' is null");
  branches_.push_back({std::move(name), std::move(branch)});
  return *this;
}

Tensor Branches::forward(const Tensor& input, Mode mode) {
  require_argument(!branches_.empty(), type_, "has no branches");
  std::vector<Tensor> outputs;
  outputs.reserve(branches_.size());
  for (auto& b : branches_) outputs.push_back(b.module->forward(input, mode));
  return merge_->forward(outputs, mode);
}

Tensor Branches::backward(const Tensor& grad_output) {
  std::vector<Tensor> grads = merge_->backward(grad_output);
  if (grads.size() != branches_.size())
    throw std::logic_error(type_ + ": merge returned " + std::to_string(grads.size()) +
                           " gradients for " + std::to_string(branches_.size()) + " branches");
  Tensor grad_input = branches_[0].module->backward(grads[0]);
  for (std::size_t k = 1; k < branches_.size(); ++k)
    grad_input.add_(branches_[k].module->backward(grads[k]));
  return grad_input;
}

std::vector<std::pair<std::string, Module*>> Branches::children() {
  std::vector<std::pair<std::string, Module*>> out;
  for (auto& b : branches_) out.emplace_back(b.name, b.module.get());
  return out;
}

void Branches::collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) {
  collect_child_parameters(children(), prefix, out);
  merge_->collect_parameters(prefix + "merge.", out);
}

void Branches::collect_buffers(const std::string& prefix, std::vector<NamedBuffer>& out) {
  collect_child_buffers(children(), prefix, out);
  merge_->collect_buffers(prefix + "merge.", out);
}

std::unique_ptr<Branches> make_residual(std::unique_ptr<Module> body,
                                        std::unique_ptr<Module> shortcut) {
  auto residual = std::make_unique<Branches>("Residual", std::make_unique<Add>());
  residual->add("body", std::move(body));
  residual->add("shortcut", std::move(shortcut));
  return residual;
}

}  // namespace bitnas

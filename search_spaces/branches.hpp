#pragma once
// Parallel branches on one input, joined by a merge: the residual add of blocks and per-op
// shortcuts, the concatenated pair of a factorized reduce. One Module serves them all, so
// every such structure runs the same forward / backward bookkeeping.
#include <memory>
#include <string>
#include <vector>

#include "ops/core/module.hpp"

namespace bitnas {

class Branches : public Module {
 public:
  // `type` is the name summaries and errors show ("Residual", "FactorizedPair").
  Branches(std::string type, std::unique_ptr<MergeModule> merge);

  // Appends a branch; parameters are named "<name>.<branch's own names>".
  Branches& add(std::string name, std::unique_ptr<Module> branch);

  std::string type_name() const override { return type_; }
  // merge(branch_0(x), branch_1(x), ...)
  Tensor forward(const Tensor& input, Mode mode) override;
  // Sum over branches of branch_k.backward(dmerge/dinput_k).
  Tensor backward(const Tensor& grad_output) override;
  // The branches, by name; the merge is no Module and is collected as "merge.".
  std::vector<std::pair<std::string, Module*>> children() override;
  void collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) override;
  void collect_buffers(const std::string& prefix, std::vector<NamedBuffer>& out) override;

  std::size_t size() const { return branches_.size(); }
  Module& branch(std::size_t i) { return *branches_[i].module; }
  const std::string& branch_name(std::size_t i) const { return branches_[i].name; }
  MergeModule& merge() { return *merge_; }

 private:
  struct Branch {
    std::string name;
    std::unique_ptr<Module> module;
  };
  std::string type_;
  std::unique_ptr<MergeModule> merge_;
  std::vector<Branch> branches_;
};

// out = body(x) + shortcut(x), branches named "body" and "shortcut".
std::unique_ptr<Branches> make_residual(std::unique_ptr<Module> body,
                                        std::unique_ptr<Module> shortcut);

}  // namespace bitnas

#pragma once
// The uniform contract every layer follows (Caffe's four verbs, minus reshape): forward in
// train or eval mode, backward, parameters with gradients, buffers, and named state for
// checkpoints. Cells, supernets and networks are compositions of Modules.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ops/core/tensor.hpp"

namespace bitnas {

// train: batch statistics, and every layer keeps what backward needs.
// eval: running statistics, nothing kept.
// train_no_grad: the forward of train (batch statistics, running averages updated, the same
// output bits) for a pass that is never differentiated (a shared-weights evaluation with BN
// in train mode, BN recalibration): nothing is kept, so it costs no more memory than eval.
enum class Mode { train, eval, train_no_grad };

// What a parameter is, so optimizers can build parameter groups (BMXNet applies no weight
// decay to binary latent weights nor to batch-norm affine parameters).
enum class ParamRole { weight, bias, binary_weight, norm };
const char* to_string(ParamRole role);

struct Parameter {
  Tensor value;
  Tensor grad;  // same shape as value; accumulated by backward, cleared by zero_grad
  ParamRole role = ParamRole::weight;
  // Latent-weight clip: after each optimizer step value is clamped to [-clamp, clamp].
  std::optional<float> clamp;
  // Bumped by every optimizer step (and by anyone who edits value), so layers that derive
  // state from the value (packed binary weights) rebuild it once per step, not per call.
  std::uint64_t version = 0;

  Parameter() = default;
  Parameter(Tensor initial, ParamRole r) : value(std::move(initial)), grad(value.shape()), role(r) {}
  void mark_modified() { ++version; }
};

struct NamedParameter {
  std::string name;
  Parameter* param;
};

struct NamedBuffer {
  std::string name;
  Tensor* tensor;
};

class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Short type name used in error messages and summaries ("BatchNorm2d", "BinaryConv2d").
  virtual std::string type_name() const = 0;

  // Computes the output. In train mode the module keeps what backward needs; in eval mode it
  // may keep nothing and backward must not be called.
  virtual Tensor forward(const Tensor& input, Mode mode) = 0;

  // Given dLoss/dOutput of the last train-mode forward, accumulates dLoss/dParameter into each
  // Parameter::grad and returns dLoss/dInput. Once per train-mode forward: layers free what
  // they saved for backward as soon as it has used it, so a second call throws.
  virtual Tensor backward(const Tensor& grad_output) = 0;

  // Direct sub-modules with their names, in execution order. Containers override this, so
  // tools (cost accounting, summaries, test switches) can walk any network.
  virtual std::vector<std::pair<std::string, Module*>> children() { return {}; }

  // Appends this module's parameters / buffers (running statistics...) with names prefixed by
  // `prefix` ("" at the root, "block.0." below). The default recurses into children() as
  // "<prefix><child name>."; leaf modules override these for their own tensors.
  virtual void collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out);
  virtual void collect_buffers(const std::string& prefix, std::vector<NamedBuffer>& out);

  std::vector<NamedParameter> parameters();
  std::vector<NamedBuffer> buffers();
  // Every tensor a checkpoint must hold to restore the module: parameter values and buffers.
  std::map<std::string, Tensor*> named_state();
  void zero_grad();
};

// Modules applied one after another; children are named by their index unless named.
class Sequential : public Module {
 public:
  Sequential() = default;
  Module& add(std::unique_ptr<Module> module, std::string name = {});
  template <typename M, typename... Args>
  M& emplace(Args&&... args) {
    return static_cast<M&>(add(std::make_unique<M>(std::forward<Args>(args)...)));
  }

  std::string type_name() const override { return "Sequential"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;
  std::vector<std::pair<std::string, Module*>> children() override;

  std::size_t size() const { return children_.size(); }
  Module& operator[](std::size_t i) { return *children_[i].module; }

 private:
  struct Child {
    std::string name;
    std::unique_ptr<Module> module;
  };
  std::vector<Child> children_;
};

// Several inputs in, one output out: add, concat, and whole cells (whose inputs are the
// outputs of the previous cells). Same contract as Module otherwise.
class MergeModule {
 public:
  virtual ~MergeModule() = default;
  MergeModule() = default;
  MergeModule(const MergeModule&) = delete;
  MergeModule& operator=(const MergeModule&) = delete;

  virtual std::string type_name() const = 0;
  virtual Tensor forward(const std::vector<Tensor>& inputs, Mode mode) = 0;
  // Returns one gradient per input of the last train-mode forward.
  virtual std::vector<Tensor> backward(const Tensor& grad_output) = 0;
  // As for Module: sub-modules, and parameters / buffers (default: recurse into children()).
  virtual std::vector<std::pair<std::string, Module*>> children() { return {}; }
  virtual void collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out);
  virtual void collect_buffers(const std::string& prefix, std::vector<NamedBuffer>& out);
};

// Calls visit(name, module) for `root` (name "") and every module below it, depth first in
// children() order, with dotted names ("cells.0.node1.from0.bconv_3x3.conv").
void visit_modules(Module& root, const std::function<void(const std::string&, Module&)>& visit);

// Every module of type M below (and including) `root`.
template <typename M>
std::vector<M*> find_modules(Module& root) {
  std::vector<M*> found;
  visit_modules(root, [&](const std::string&, Module& m) {
    if (auto* typed = dynamic_cast<M*>(&m)) found.push_back(typed);
  });
  return found;
}

// Appends the parameters / buffers of each child as "<prefix><child name>.".
void collect_child_parameters(const std::vector<std::pair<std::string, Module*>>& children,
                              const std::string& prefix, std::vector<NamedParameter>& out);
void collect_child_buffers(const std::vector<std::pair<std::string, Module*>>& children,
                           const std::string& prefix, std::vector<NamedBuffer>& out);

}  // namespace bitnas

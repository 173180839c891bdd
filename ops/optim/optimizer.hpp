#pragma once
// The optimizer contract (PyTorch's torch.optim shape): parameter groups with their own
// learning rate and weight decay, step() updating every parameter from its grad, and the
// per-parameter state (momentum buffers, Adam moments) as named tensors for checkpoints.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ops/core/module.hpp"

namespace bitnas {

struct ParamGroup {
  std::vector<Parameter*> params;
  float lr = 0.0f;
  float weight_decay = 0.0f;
  std::string name{};  // for messages ("decay", "no_decay"); may be empty
};

enum class BiasDecay { decayed, not_decayed };

// The two standard groups, always in this order and both present (possibly empty), so state
// keys stay stable: "decay" (ParamRole::weight, and bias if BiasDecay::decayed) with
// `weight_decay`, and "no_decay" (binary_weight and norm, and bias otherwise) with 0: BMXNet
// applies no weight decay to latent binary weights nor to batch-norm parameters.
std::vector<ParamGroup> weight_decay_groups(const std::vector<NamedParameter>& params, float lr,
                                            float weight_decay,
                                            BiasDecay bias = BiasDecay::decayed);

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  virtual std::string type_name() const = 0;

  // Updates every parameter from its grad, then clamps it to [-clamp, clamp] if
  // Parameter::clamp is set and bumps Parameter::version (packed binary weights go stale).
  void step();
  // step() for `only` (a subset of this optimizer's parameters): the others, and their
  // optimizer state, stay exactly as they are (a supernet trains one sampled path per step).
  void step(const std::vector<Parameter*>& only);
  void zero_grad();

  const std::vector<ParamGroup>& param_groups() const { return groups_; }
  float lr(std::size_t group) const;
  // Schedulers set the rate per group; nothing else of a group changes after construction.
  void set_lr(std::size_t group, float lr);
  // Every parameter, group by group.
  std::vector<Parameter*> parameters() const;
  // Number of step() calls so far (restored by load_state).
  std::int64_t step_count() const { return steps_; }

  // Checkpoint state: "step" -> [count], and "<group>.<param index in group>.<slot>" -> a
  // tensor shaped like the parameter, for each slot created so far (e.g. "0.3.exp_avg").
  std::map<std::string, Tensor> state() const;
  // Replaces all state with `state` (as state() returned it); throws std::invalid_argument on a
  // key this optimizer does not know or a shape that does not match, changing nothing.
  void load_state(const std::map<std::string, Tensor>& state);

 protected:
  using Slots = std::map<std::string, Tensor>;  // one parameter's state, by slot name

  explicit Optimizer(std::vector<ParamGroup> groups);
  // The slots update() may create; load_state accepts no others.
  virtual std::vector<std::string> slot_names() const = 0;
  // Those of slot_names() that hold one number (shape [1]) instead of a parameter-shaped tensor.
  virtual std::vector<std::string> scalar_slot_names() const { return {}; }
  // Updates p.value in place from p.grad. `slots` starts empty at the first step.
  virtual void update(const ParamGroup& group, Parameter& p, Slots& slots) = 0;

 private:
  void update_where(const std::function<bool(const Parameter*)>& selected);
  std::vector<ParamGroup> groups_;
  std::vector<std::vector<Slots>> slots_;  // [group][param]
  std::int64_t steps_ = 0;
};

}  // namespace bitnas

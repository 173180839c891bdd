#pragma once
// Adam as torch.optim.Adam (L2 weight decay added to the gradient, bias-corrected moments,
// eps added outside the square root), and AdamW as torch.optim.AdamW (decoupled weight decay:
// p *= 1 - lr*wd before the Adam update). No amsgrad.
#include <utility>

#include "ops/optim/optimizer.hpp"

namespace bitnas {

struct AdamOptions {
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  bool decoupled_weight_decay = false;  // true: AdamW
};

class Adam : public Optimizer {
 public:
  explicit Adam(std::vector<ParamGroup> groups, AdamOptions options = {});
  std::string type_name() const override {
    return options_.decoupled_weight_decay ? "AdamW" : "Adam";
  }
  const AdamOptions& options() const { return options_; }

 protected:
  std::vector<std::string> slot_names() const override {
    return {"exp_avg", "exp_avg_sq", "step"};
  }
  std::vector<std::string> scalar_slot_names() const override { return {"step"}; }
  void update(const ParamGroup& group, Parameter& p, Slots& slots) override;

 private:
  AdamOptions options_;
};

// Adam with decoupled weight decay whatever `options` says.
class AdamW : public Adam {
 public:
  explicit AdamW(std::vector<ParamGroup> groups, AdamOptions options = {})
      : Adam(std::move(groups), decoupled(options)) {}

 private:
  static AdamOptions decoupled(AdamOptions o) {
    o.decoupled_weight_decay = true;
    return o;
  }
};

}  // namespace bitnas

#pragma once
// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, exactly
// as torch.optim.SGD: d = g + wd*p; buf = d at the first step, else momentum*buf +
// (1 - dampening)*d; d = d + momentum*buf (Nesterov) or buf; p -= lr*d.
#include "ops/optim/optimizer.hpp"

namespace bitnas {

struct SgdOptions {
  float momentum = 0.0f;
  float dampening = 0.0f;
  bool nesterov = false;  // needs momentum > 0 and dampening 0 (as in PyTorch)
};

class Sgd : public Optimizer {
 public:
  explicit Sgd(std::vector<ParamGroup> groups, SgdOptions options = {});
  std::string type_name() const override { return "SGD"; }
  const SgdOptions& options() const { return options_; }

 protected:
  std::vector<std::string> slot_names() const override { return {"momentum_buffer"}; }
  void update(const ParamGroup& group, Parameter& p, Slots& slots) override;

 private:
  SgdOptions options_;
};

}  // namespace bitnas

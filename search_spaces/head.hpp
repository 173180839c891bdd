#pragma once
// The classifier head: optional ReLU (BMXNet's, the only ReLU of ResNetE), global average
// pool, then a full-precision Linear with bias. NHWC [N, H, W, C] -> logits [N, num_classes].
#include <optional>

#include "ops/core/module.hpp"
#include "ops/core/random.hpp"
#include "ops/layers/global_avg_pool.hpp"
#include "ops/layers/linear.hpp"
#include "ops/layers/relu.hpp"

namespace bitnas {

class Head : public Module {
 public:
  Head(int channels, int num_classes, bool relu, Rng& rng);

  std::string type_name() const override { return "Head"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;
  // "relu" (when on), "pool", "fc": parameters "fc.weight", "fc.bias".
  std::vector<std::pair<std::string, Module*>> children() override;

  bool has_relu() const { return relu_.has_value(); }
  Linear& fc() { return fc_; }

 private:
  std::optional<ReLU> relu_;
  GlobalAvgPool pool_;
  Linear fc_;
};

}  // namespace bitnas

#include "evaluators/optimizer_factory.hpp"

#include <stdexcept>

#include "ops/optim/adam.hpp"
#include "ops/optim/sgd.hpp"

namespace bitnas {

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& c, double lr,
                                          const std::vector<NamedParameter>& parameters) {
  auto groups = weight_decay_groups(parameters, static_cast<float>(lr),
                                    static_cast<float>(c.weight_decay));
  switch (c.kind) {
    case OptimizerKind::sgd:
      return std::make_unique<Sgd>(std::move(groups),
                                   SgdOptions{static_cast<float>(c.momentum), 0.0f, c.nesterov});
    case OptimizerKind::adam:
    case OptimizerKind::adamw:
      return std::make_unique<Adam>(
          std::move(groups),
          AdamOptions{static_cast<float>(c.beta1), static_cast<float>(c.beta2),
                      static_cast<float>(c.eps), c.kind == OptimizerKind::adamw});
  }
  throw std::logic_error("unknown optimizer kind");
}

}  // namespace bitnas

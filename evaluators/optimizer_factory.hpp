#pragma once
// The optimizer an `optimizer:` section asks for, over the standard two parameter groups
// (weight decay on full-precision weights only; BMXNet trains binary latent weights and BN
// without it).
#include <memory>
#include <vector>

#include "evaluators/train_config.hpp"
#include "ops/optim/optimizer.hpp"

namespace bitnas {

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config, double lr,
                                          const std::vector<NamedParameter>& parameters);

}  // namespace bitnas

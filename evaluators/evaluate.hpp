#pragma once
// Top-1 accuracy and mean cross-entropy of a model over every batch of a loader, in eval mode
// (BN with running statistics, no state kept for backward).
#include <cstdint>

#include "data/batch_loader.hpp"
#include "ops/core/module.hpp"

namespace bitnas {

struct EvalStats {
  double loss = 0.0;      // mean over images
  double accuracy = 0.0;  // top-1, in [0, 1]
  std::int64_t images = 0;
};

// Runs the loader's epoch 0 from its start.
EvalStats evaluate(Module& model, BatchLoader& loader);

}  // namespace bitnas

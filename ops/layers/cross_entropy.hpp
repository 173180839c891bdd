#pragma once
// Softmax cross-entropy of logits [N, K] against integer labels in [0, K): the training loss
// and the top-1 accuracy that is the NAS reward. Computed with a per-row log-sum-exp, so large
// logits neither overflow nor lose the loss.
#include <span>

#include "ops/core/tensor.hpp"

namespace bitnas {

struct CrossEntropyStats {
  double loss = 0.0;      // mean over the batch of -log softmax(logits)[label]
  double accuracy = 0.0;  // fraction of rows whose first maximal logit is the label
};

// Throws std::invalid_argument unless logits is [N, K] with N, K >= 1, labels.size() == N and
// every label is in [0, K).
CrossEntropyStats softmax_cross_entropy(const Tensor& logits, std::span<const int> labels);

// dLoss/dlogits of the mean loss: (softmax(logits) - one_hot(label)) / N, same checks.
Tensor softmax_cross_entropy_grad(const Tensor& logits, std::span<const int> labels);

}  // namespace bitnas

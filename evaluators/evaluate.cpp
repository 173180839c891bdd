#include "evaluators/evaluate.hpp"

#include "ops/layers/cross_entropy.hpp"

namespace bitnas {

EvalStats evaluate(Module& model, BatchLoader& loader) {
  EvalStats stats;
  double loss_sum = 0.0, correct = 0.0;
  loader.start_epoch(0);
  Batch batch;
  while (loader.next(batch)) {
    const Tensor logits = model.forward(batch.images, Mode::eval);
    const CrossEntropyStats s = softmax_cross_entropy(logits, batch.labels);
    const auto n = static_cast<double>(batch.labels.size());
    loss_sum += s.loss * n;
    correct += s.accuracy * n;
    stats.images += static_cast<std::int64_t>(batch.labels.size());
  }
  if (stats.images > 0) {
    stats.loss = loss_sum / static_cast<double>(stats.images);
    stats.accuracy = correct / static_cast<double>(stats.images);
  }
  return stats;
}

}  // namespace bitnas

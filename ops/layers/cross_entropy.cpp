#include "ops/layers/cross_entropy.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace bitnas {

namespace {

void check_arguments(const Tensor& logits, std::span<const int> labels, const char* op) {
  if (logits.rank() != 2 || logits.dim(0) < 1 || logits.dim(1) < 1)
    throw std::invalid_argument(std::string(op) +
                                ": expected logits [N, K] with N, K >= 1, got shape " +
                                logits.shape_string());
  if (static_cast<std::int64_t>(labels.size()) != logits.dim(0))
    throw std::invalid_argument(std::string(op) + ": " + std::to_string(labels.size()) +
                                " labels for logits of shape " + logits.shape_string());
  const int K = logits.dim(1);
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= K)
      throw std::invalid_argument(std::string(op) + ": label " + std::to_string(labels[i]) +
                                  " of sample " + std::to_string(i) + " is outside [0, " +
                                  std::to_string(K) + ") for logits of shape " +
                                  logits.shape_string());
}

struct RowSoftmax {
  double max;  // largest logit
  double log_sum_exp;
  int argmax;  // first index of the largest logit
};

RowSoftmax row_softmax(const float* z, int K) {
  RowSoftmax r{z[0], 0.0, 0};
  for (int k = 1; k < K; ++k)
    if (z[k] > r.max) {
      r.max = z[k];
      r.argmax = k;
    }
  double sum = 0.0;
  for (int k = 0; k < K; ++k) sum += std::exp(static_cast<double>(z[k]) - r.max);
  r.log_sum_exp = r.max + std::log(sum);
  return r;
}

}  // namespace

CrossEntropyStats softmax_cross_entropy(const Tensor& logits, std::span<const int> labels) {
  check_arguments(logits, labels, "softmax_cross_entropy");
  const int N = logits.dim(0), K = logits.dim(1);
  double loss = 0.0;
  int correct = 0;
  for (int n = 0; n < N; ++n) {
    const float* z = logits.data() + static_cast<std::int64_t>(n) * K;
    const RowSoftmax r = row_softmax(z, K);
    loss += r.log_sum_exp - z[labels[n]];
    correct += r.argmax == labels[n];
  }
  return {loss / N, static_cast<double>(correct) / N};
}

Tensor softmax_cross_entropy_grad(const Tensor& logits, std::span<const int> labels) {
  check_arguments(logits, labels, "softmax_cross_entropy_grad");
  const int N = logits.dim(0), K = logits.dim(1);
  Tensor grad(logits.shape());
  for (int n = 0; n < N; ++n) {
    const float* z = logits.data() + static_cast<std::int64_t>(n) * K;
    float* g = grad.data() + static_cast<std::int64_t>(n) * K;
    const RowSoftmax r = row_softmax(z, K);
    for (int k = 0; k < K; ++k)
      g[k] = static_cast<float>((std::exp(z[k] - r.log_sum_exp) - (k == labels[n])) / N);
  }
  return grad;
}

}  // namespace bitnas

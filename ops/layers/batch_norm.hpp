#pragma once
// Batch normalisation over the last dimension (channels) of an NHWC or [N, C] tensor, with
// PyTorch's semantics: train mode normalises with the batch mean and biased variance and moves
// the running statistics toward the batch mean and the UNBIASED batch variance by `momentum`;
// eval mode normalises with the running statistics. Backward (train mode only) goes through
// the batch statistics.
#include "ops/core/module.hpp"

namespace bitnas {

struct BatchNormOptions {
  bool affine = true;     // learnable gamma (init 1) and beta (init 0)
  float eps = 1e-5f;      // PyTorch's default; BMXNet uses 2e-5
  float momentum = 0.1f;  // running = (1 - momentum) * running + momentum * batch
};

class BatchNorm : public Module {
 public:
  // e.g. BatchNorm(64) or BatchNorm(3, {.affine = false, .eps = 2e-5f})
  explicit BatchNorm(int channels, BatchNormOptions options = {});

  std::string type_name() const override { return "BatchNorm"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;
  // "weight" (gamma) and "bias" (beta), ParamRole::norm, when affine.
  void collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) override;
  // "running_mean" and "running_var".
  void collect_buffers(const std::string& prefix, std::vector<NamedBuffer>& out) override;

  int channels() const { return channels_; }
  const BatchNormOptions& options() const { return options_; }
  Parameter* gamma() { return options_.affine ? &gamma_ : nullptr; }
  Parameter* beta() { return options_.affine ? &beta_ : nullptr; }
  Tensor& running_mean() { return running_mean_; }
  Tensor& running_var() { return running_var_; }
  // BN recalibration (SPOS): running statistics back to (0, 1); with `cumulative`, the next
  // train-mode batches are averaged with equal weights until use_momentum().
  void reset_running_stats(bool cumulative);
  void use_momentum();

 private:
  // y = x * scale[c] + shift[c], for eval mode with the running statistics folded in.
  Tensor normalize_with_running_stats(const Tensor& input) const;
  // Keeps x_hat for backward when keep_normalized.
  Tensor normalize_with_batch_stats(const Tensor& input, bool keep_normalized);

  int channels_;
  BatchNormOptions options_;
  Parameter gamma_, beta_;
  Tensor running_mean_, running_var_;
  // From the last train-mode forward, until its backward.
  Tensor normalized_;           // x_hat
  std::vector<float> inv_std_;  // 1 / sqrt(batch var + eps), per channel
  bool has_state_ = false;
  bool cumulative_ = false;
  int batches_seen_ = 0;
};

}  // namespace bitnas

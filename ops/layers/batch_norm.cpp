#include "ops/layers/batch_norm.hpp"

#include <cmath>
#include <stdexcept>

#include "ops/layers/layer_checks.hpp"
#include "ops/layers/row_parallel.hpp"

namespace bitnas {

namespace {

// out[r][c] = in[r][c] * scale[c] + shift[c] over a [rows, C] view.
void channel_affine(const float* in, float* out, std::int64_t rows, int C, const float* scale,
                    const float* shift) {
  for_each_row_block(rows, C, [&](std::int64_t r0, std::int64_t r1) {
    for (std::int64_t r = r0; r < r1; ++r)
      for (int c = 0; c < C; ++c) out[r * C + c] = in[r * C + c] * scale[c] + shift[c];
  });
}

}  // namespace

BatchNorm::BatchNorm(int channels, BatchNormOptions options)
    : channels_(channels),
      options_(options),
      running_mean_(Shape{channels > 0 ? channels : 0}, 0.0f),
      running_var_(Shape{channels > 0 ? channels : 0}, 1.0f) {
  require_argument(channels >= 1, "BatchNorm",
                   "channels must be >= 1, got " + std::to_string(channels));
  require_argument(options.eps > 0.0f, "BatchNorm", "eps must be > 0");
  require_argument(options.momentum >= 0.0f && options.momentum <= 1.0f, "BatchNorm",
                   "momentum must be in [0, 1], got " + std::to_string(options.momentum));
  if (options.affine) {
    gamma_ = Parameter(Tensor({channels}, 1.0f), ParamRole::norm);
    beta_ = Parameter(Tensor({channels}, 0.0f), ParamRole::norm);
  }
}

Tensor BatchNorm::forward(const Tensor& input, Mode mode) {
  require_rank_one_of(input, {2, 4}, "BatchNorm");
  require_channels(input, channels_, "BatchNorm");
  has_state_ = false;
  normalized_ = Tensor();
  if (mode == Mode::eval) return normalize_with_running_stats(input);
  has_state_ = mode == Mode::train;
  return normalize_with_batch_stats(input, has_state_);
}

Tensor BatchNorm::normalize_with_running_stats(const Tensor& input) const {
  const int C = channels_;
  std::vector<float> scale(C), shift(C);
  for (int c = 0; c < C; ++c) {
    const float g = options_.affine ? gamma_.value[c] : 1.0f;
    const float b = options_.affine ? beta_.value[c] : 0.0f;
    scale[c] = g / std::sqrt(running_var_[c] + options_.eps);
    shift[c] = b - running_mean_[c] * scale[c];
  }
  Tensor y = Tensor::uninitialized(input.shape());
  channel_affine(input.data(), y.data(), input.numel() / C, C, scale.data(), shift.data());
  return y;
}

Tensor BatchNorm::normalize_with_batch_stats(const Tensor& input, bool keep_normalized) {
  const int C = channels_;
  const std::int64_t rows = input.numel() / C;
  if (rows < 2)
    throw std::invalid_argument(
        "BatchNorm: train mode needs more than one value per channel, got shape " +
        input.shape_string());
  const float* x = input.data();
  // Two passes (mean, then squared deviations) avoid the cancellation of E[x^2] - E[x]^2.
  const std::vector<double> sums =
      column_sums(rows, C, [&](std::int64_t r0, std::int64_t r1, double* acc) {
        for (std::int64_t r = r0; r < r1; ++r)
          for (int c = 0; c < C; ++c) acc[c] += x[r * C + c];
      });
  std::vector<double> mean(C);
  for (int c = 0; c < C; ++c) mean[c] = sums[c] / static_cast<double>(rows);
  const std::vector<double> squares =
      column_sums(rows, C, [&](std::int64_t r0, std::int64_t r1, double* acc) {
        for (std::int64_t r = r0; r < r1; ++r)
          for (int c = 0; c < C; ++c) {
            const double d = x[r * C + c] - mean[c];
            acc[c] += d * d;
          }
      });

  inv_std_.assign(C, 0.0f);
  std::vector<float> center(C);
  // Recalibration averages every batch equally (PyTorch's momentum=None): the k-th batch
  // since reset_running_stats(true) gets weight 1/k.
  const float m = cumulative_ ? 1.0f / static_cast<float>(++batches_seen_) : options_.momentum;
  for (int c = 0; c < C; ++c) {
    const double var = squares[c] / static_cast<double>(rows);
    inv_std_[c] = static_cast<float>(1.0 / std::sqrt(var + options_.eps));
    center[c] = static_cast<float>(-mean[c]) * inv_std_[c];
    const double unbiased = squares[c] / static_cast<double>(rows - 1);
    running_mean_[c] = (1.0f - m) * running_mean_[c] + m * static_cast<float>(mean[c]);
    running_var_[c] = (1.0f - m) * running_var_[c] + m * static_cast<float>(unbiased);
  }

  Tensor y = Tensor::uninitialized(input.shape());
  if (keep_normalized) normalized_ = Tensor::uninitialized(input.shape());
  const float* gamma = options_.affine ? gamma_.value.data() : nullptr;
  const float* beta = options_.affine ? beta_.value.data() : nullptr;
  float* xhat_out = keep_normalized ? normalized_.data() : nullptr;
  float* out = y.data();
  // One pass: x_hat rounded to float, then the affine map of it, the same two roundings as
  // two separate passes would make.
  for_each_row_block(rows, C, [&](std::int64_t r0, std::int64_t r1) {
    for (std::int64_t r = r0; r < r1; ++r)
      for (int c = 0; c < C; ++c) {
        const std::int64_t i = r * C + c;
        const float xhat = x[i] * inv_std_[c] + center[c];
        if (xhat_out) xhat_out[i] = xhat;
        out[i] = gamma ? xhat * gamma[c] + beta[c] : xhat;
      }
  });
  return y;
}

Tensor BatchNorm::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  require_grad_shape(grad_output, normalized_.shape(), type_name());
  const int C = channels_;
  const std::int64_t rows = normalized_.numel() / C;
  const float* dy = grad_output.data();
  const float* xhat = normalized_.data();
  // Per channel: sum(dy) at [c] and sum(dy * x_hat) at [C + c].
  const std::vector<double> sums =
      column_sums(rows, 2 * C, [&](std::int64_t r0, std::int64_t r1, double* acc) {
        for (std::int64_t r = r0; r < r1; ++r)
          for (int c = 0; c < C; ++c) {
            acc[c] += dy[r * C + c];
            acc[C + c] += static_cast<double>(dy[r * C + c]) * xhat[r * C + c];
          }
      });
  if (options_.affine)
    for (int c = 0; c < C; ++c) {
      beta_.grad[c] += static_cast<float>(sums[c]);
      gamma_.grad[c] += static_cast<float>(sums[C + c]);
    }

  // dx = gamma * inv_std * (dy - mean(dy) - x_hat * mean(dy * x_hat))
  std::vector<float> gain(C), mean_dy(C), mean_dy_xhat(C);
  for (int c = 0; c < C; ++c) {
    gain[c] = (options_.affine ? gamma_.value[c] : 1.0f) * inv_std_[c];
    mean_dy[c] = static_cast<float>(sums[c] / static_cast<double>(rows));
    mean_dy_xhat[c] = static_cast<float>(sums[C + c] / static_cast<double>(rows));
  }
  Tensor dx = Tensor::uninitialized(normalized_.shape());
  float* out = dx.data();
  for_each_row_block(rows, C, [&](std::int64_t r0, std::int64_t r1) {
    for (std::int64_t r = r0; r < r1; ++r)
      for (int c = 0; c < C; ++c) {
        const std::int64_t i = r * C + c;
        out[i] = gain[c] * (dy[i] - mean_dy[c] - xhat[i] * mean_dy_xhat[c]);
      }
  });
  // Backward is the last use of x_hat: free it now, not at the next forward.
  normalized_ = Tensor();
  has_state_ = false;
  return dx;
}

void BatchNorm::collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) {
  if (!options_.affine) return;
  out.push_back({prefix + "weight", &gamma_});
  out.push_back({prefix + "bias", &beta_});
}

void BatchNorm::collect_buffers(const std::string& prefix, std::vector<NamedBuffer>& out) {
  out.push_back({prefix + "running_mean", &running_mean_});
  out.push_back({prefix + "running_var", &running_var_});
}

void BatchNorm::reset_running_stats(bool cumulative) {
  running_mean_.fill(0.0f);
  running_var_.fill(1.0f);
  cumulative_ = cumulative;
  batches_seen_ = 0;
}

void BatchNorm::use_momentum() { cumulative_ = false; }

}  // namespace bitnas

#include "ops/layers/pool_geometry.hpp"

#include <algorithm>
#include <stdexcept>

#include "ops/layers/layer_checks.hpp"

namespace bitnas {

void PoolWindow::validate(const std::string& op) const {
  require_argument(kernel >= 1 && stride >= 0 && padding >= 0 && padding <= kernel / 2, op,
                   "invalid window " + to_string() +
                       ": need kernel >= 1, stride >= 0 and 0 <= padding <= kernel / 2");
}

std::string PoolWindow::to_string() const {
  return "(kernel " + std::to_string(kernel) + ", stride " + std::to_string(effective_stride()) +
         ", padding " + std::to_string(padding) + (ceil_mode ? ", ceil_mode" : "") + ")";
}

int pool_output_size(int in, const PoolWindow& window) {
  const int k = window.kernel, s = window.effective_stride(), p = window.padding;
  if (in < 1 || in + 2 * p < k)
    throw std::invalid_argument("pooling window " + window.to_string() +
                                " does not fit an input of length " + std::to_string(in));
  int out = (in + 2 * p - k + (window.ceil_mode ? s - 1 : 0)) / s + 1;
  // A window starting in the right padding would see only padding: PyTorch drops it.
  if (window.ceil_mode && (out - 1) * s >= in + p) --out;
  return out;
}

PoolAxis::PoolAxis(int in_size, const PoolWindow& window)
    : in(in_size),
      out(pool_output_size(in_size, window)),
      kernel(window.kernel),
      stride(window.effective_stride()),
      padding(window.padding) {}

PoolSpan PoolAxis::span(int o) const {
  const int start = o * stride - padding;
  const int padded_end = std::min(start + kernel, in + padding);
  return {std::max(start, 0), std::min(padded_end, in), padded_end - start};
}

PoolGeometry PoolGeometry::for_input(const Tensor& input, const PoolWindow& window,
                                     const std::string& op) {
  require_rank(input, 4, op.c_str());
  window.validate(op);
  PoolGeometry g;
  g.batch = input.dim(0);
  g.channels = input.dim(3);
  try {
    g.rows = PoolAxis(input.dim(1), window);
    g.cols = PoolAxis(input.dim(2), window);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(op + ": " + e.what() + ", got shape " + input.shape_string());
  }
  return g;
}

}  // namespace bitnas

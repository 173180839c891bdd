#include "search_spaces/head.hpp"

namespace bitnas {

Head::Head(int channels, int num_classes, bool relu, Rng& rng)
    : fc_(channels, num_classes, rng, /*bias=*/true) {
  if (relu) relu_.emplace();
}

Tensor Head::forward(const Tensor& input, Mode mode) {
  const Tensor x = relu_ ? relu_->forward(input, mode) : input;
  return fc_.forward(pool_.forward(x, mode), mode);
}

Tensor Head::backward(const Tensor& grad_output) {
  Tensor g = pool_.backward(fc_.backward(grad_output));
  return relu_ ? relu_->backward(g) : g;
}

std::vector<std::pair<std::string, Module*>> Head::children() {
  std::vector<std::pair<std::string, Module*>> out;
  if (relu_) out.emplace_back("relu", &*relu_);
  out.emplace_back("pool", &pool_);
  out.emplace_back("fc", &fc_);
  return out;
}

}  // namespace bitnas

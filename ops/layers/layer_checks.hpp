#pragma once
// Argument checks shared by the layers, so every op reports a bad call the same way:
// std::invalid_argument "<Op>: <what is wrong>, got shape [..]" for bad inputs, and
// std::logic_error for a backward that has no train-mode forward to work from.
#include <initializer_list>
#include <string>
#include <vector>

#include "ops/core/tensor.hpp"

namespace bitnas {

// Throws unless t.rank() is one of `ranks`.
void require_rank_one_of(const Tensor& t, std::initializer_list<int> ranks, const std::string& op);
// Throws unless the last dimension of t is `channels`.
void require_channels(const Tensor& t, int channels, const std::string& op);
// Throws std::logic_error unless the last forward ran in train mode (so backward has state).
void require_train_forward(bool has_state, const std::string& op);
// Throws unless grad_output has the shape the last forward returned.
void require_grad_shape(const Tensor& grad_output, const Shape& output_shape,
                        const std::string& op);
// Throws unless a constructor argument holds; `what` says which and why.
void require_argument(bool ok, const std::string& op, const std::string& what);

}  // namespace bitnas

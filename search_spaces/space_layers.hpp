#pragma once
// Full-precision layers as every op of a search space builds them, so the space's shared
// settings (BN eps) and its spatial convention (a stride-s op maps H to ceil(H / s)) are
// applied in one place.
#include <memory>

#include "ops/layers/batch_norm.hpp"
#include "ops/layers/conv2d.hpp"
#include "ops/layers/pool_geometry.hpp"
#include "search_spaces/op_registry.hpp"

namespace bitnas {

// Affine BN with the space's eps (BinaryOpSettings::bn_eps).
std::unique_ptr<BatchNorm> make_batch_norm(int channels, const OpContext& context);

// Full-precision conv, no bias (a BN follows), "same" padding kernel / 2.
std::unique_ptr<Conv2d> make_fp_conv(int c_in, int c_out, int kernel, int stride,
                                     const OpContext& context);

// Pool window kernel = stride = s with ceil_mode, so odd sizes give ceil(H / s) like the
// space's padded stride-s convs (BMXNet pools its shortcuts the same way).
PoolWindow strided_pool_window(int stride);

}  // namespace bitnas

#pragma once
// How a real-valued shortcut crosses a stride (and usually a widening): the six Downsample
// variants of docs/DESIGN.md (Shortcuts and downsamples), shared by per-op shortcuts, skip_connect,
// block shortcuts and the cell shortcut.
#include <memory>

#include "ops/core/module.hpp"
#include "search_spaces/op_registry.hpp"

namespace bitnas {

// Maps NHWC [N, H, W, c_in] to [N, ceil(H/s), ceil(W/s), c_out]:
//   fp_conv:             FP Conv1x1 stride s -> BN -> ReLU
//   avgpool:             AvgPool k1 stride s, zero channels appended (needs c_out >= c_in)
//   binary_conv:         binary 3x3 stride s, a BinaryConvUnit in the space's layer order
//   binary_factorized:   two binary 3x3 stride-2 units c_in -> c_in, the second on the input
//                        shifted by one pixel, each with its own AvgPool2d(2) shortcut,
//                        concatenated (needs stride 2 and c_out == 2 * c_in)
//   avgpool_fp_conv:     AvgPool s x s stride s (skipped at s = 1) -> FP Conv1x1 -> BN
//   avgpool_binary_conv: AvgPool s x s stride s (skipped at s = 1) -> binary Conv1x1 -> BN
// Every BN uses the space's eps. Throws std::invalid_argument naming the variant when the
// widths or stride do not fit it.
std::unique_ptr<Module> make_downsample(Downsample kind, int c_in, int c_out, int stride,
                                        const OpContext& context);

// The cost of make_shortcut in OpDoc's notation, for every downsample variant.
std::string shortcut_cost();

// Identity when stride is 1 and the widths agree, else the space's downsample: what
// skip_connect, per-op and block shortcuts are.
std::unique_ptr<Module> make_shortcut(int c_in, int c_out, int stride, const OpContext& context);

}  // namespace bitnas

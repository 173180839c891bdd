#pragma once
// The full-precision stems of docs/DESIGN.md, Stems and head (aw_nas and BMXNet, small images and
// ImageNet).
#include <memory>

#include "ops/core/module.hpp"
#include "search_spaces/op_registry.hpp"

namespace bitnas {

// NHWC [N, H, W, in_channels] -> [N, H / r, W / r, out_channels], r = stem_reduction(kind):
//   conv_bn_relu_3x3:  Conv3x3 in->C, BN, ReLU
//   imagenet_stem0:    Conv3x3 s2 in->C/2, BN, ReLU, Conv3x3 s2 C/2->C, BN
//   imagenet_7x7_maxpool: Conv7x7 s2 p3 in->C, BN, ReLU, MaxPool3 s2 p1 (ResNet's, and
//                      aw_nas's `use_stem: [imagenet_stem0_7x7, max_pool_3x3]`)
//   bmxnet_thumbnail:  BN(no affine, eps 2e-5), Conv3x3 in->C, BN
//   bmxnet_imagenet:   BN(no affine, eps 2e-5), Conv7x7 s2 p3 in->C, BN, ReLU,
//                      MaxPool3 s2 p1, BN
//   bmxnet_grouped:    Conv3x3 s2 in->C/2, BN, ReLU, Conv3x3 groups 4 C/2->C/2, BN, ReLU,
//                      Conv3x3 groups 8 C/2->C, BN, ReLU, MaxPool3 s2 p1
// Convs have no bias and "same" padding; the other BNs use the space's eps. Throws
// std::invalid_argument when out_channels does not split as the stem needs (C/2 must be a
// whole number, a grouped conv's groups must divide its widths).
std::unique_ptr<Module> make_stem(StemKind kind, int in_channels, int out_channels,
                                  const OpContext& context);

// The stem's spatial reduction factor: the product of its layers' strides.
int stem_reduction(StemKind kind);

}  // namespace bitnas

#include "search_spaces/stems.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include "ops/layers/batch_norm.hpp"
#include "ops/layers/conv2d.hpp"
#include "ops/layers/max_pool2d.hpp"
#include "ops/layers/relu.hpp"
#include "search_spaces/space_layers.hpp"

namespace bitnas {

namespace {

// One layer of a stem. Listing the layers once lets make_stem build them and stem_reduction
// read their strides from the same description.
struct StemLayer {
  enum Kind { input_bn, conv, bn, relu, max_pool } kind;
  int width_divisor = 1;  // conv: output width = out_channels / width_divisor
  int kernel = 1, stride = 1, groups = 1;
};

StemLayer conv(int width_divisor, int kernel, int stride, int groups = 1) {
  return {StemLayer::conv, width_divisor, kernel, stride, groups};
}
constexpr StemLayer kInputBn{StemLayer::input_bn};
constexpr StemLayer kBn{StemLayer::bn};
constexpr StemLayer kRelu{StemLayer::relu};
constexpr StemLayer kMaxPool{StemLayer::max_pool, 1, 3, 2};  // 3x3 stride 2 padding 1

std::vector<StemLayer> stem_layers(StemKind kind) {
  switch (kind) {
    case StemKind::conv_bn_relu_3x3:
      return {conv(1, 3, 1), kBn, kRelu};
    case StemKind::imagenet_stem0:
      return {conv(2, 3, 2), kBn, kRelu, conv(1, 3, 2), kBn};
    case StemKind::imagenet_7x7_maxpool:  // aw_nas [imagenet_stem0_7x7, max_pool_3x3]
      return {conv(1, 7, 2), kBn, kRelu, kMaxPool};
    case StemKind::bmxnet_thumbnail:
      return {kInputBn, conv(1, 3, 1), kBn};
    case StemKind::bmxnet_imagenet:
      return {kInputBn, conv(1, 7, 2), kBn, kRelu, kMaxPool, kBn};
    case StemKind::bmxnet_grouped:
      return {conv(2, 3, 2),    kBn, kRelu, conv(2, 3, 1, 4), kBn, kRelu,
              conv(1, 3, 1, 8), kBn, kRelu, kMaxPool};
  }
  throw std::logic_error("stem_layers: unknown StemKind");
}

}  // namespace

std::unique_ptr<Module> make_stem(StemKind kind, int in_channels, int out_channels,
                                  const OpContext& context) {
  const std::string stem = std::string("stem ") + to_string(kind);
  if (in_channels < 1 || out_channels < 1)
    throw std::invalid_argument(stem + ": channel counts must be >= 1, got " +
                                std::to_string(in_channels) + " -> " +
                                std::to_string(out_channels));
  auto seq = std::make_unique<Sequential>();
  int width = in_channels;
  int convs = 0, bns = 0, relus = 0;
  for (const StemLayer& layer : stem_layers(kind)) {
    switch (layer.kind) {
      case StemLayer::input_bn:
        // BMXNet normalises the raw image with a parameter-free BN first.
        seq->add(
            std::make_unique<BatchNorm>(width, BatchNormOptions{.affine = false, .eps = 2e-5f}),
            "input_bn");
        break;
      case StemLayer::conv: {
        const std::string name = "conv" + std::to_string(++convs);
        if (out_channels % layer.width_divisor != 0)
          throw std::invalid_argument(stem + ": " + name + " has width out_channels / " +
                                      std::to_string(layer.width_divisor) + ", so out_channels (" +
                                      std::to_string(out_channels) + ") must be divisible by " +
                                      std::to_string(layer.width_divisor));
        const int out = out_channels / layer.width_divisor;
        if (width % layer.groups != 0 || out % layer.groups != 0)
          throw std::invalid_argument(stem + ": " + name + " (" + std::to_string(width) + " -> " +
                                      std::to_string(out) + " channels) has " +
                                      std::to_string(layer.groups) +
                                      " groups, which must divide both widths; choose "
                                      "out_channels accordingly");
        seq->add(std::make_unique<Conv2d>(width, out, layer.kernel, context.rng,
                                          Conv2dOptions{.stride = layer.stride,
                                                        .padding = layer.kernel / 2,
                                                        .groups = layer.groups}),
                 name);
        width = out;
        break;
      }
      case StemLayer::bn:
        seq->add(make_batch_norm(width, context), "bn" + std::to_string(++bns));
        break;
      case StemLayer::relu:
        seq->add(std::make_unique<ReLU>(), "relu" + std::to_string(++relus));
        break;
      case StemLayer::max_pool:
        seq->add(std::make_unique<MaxPool2d>(PoolWindow{
                     .kernel = layer.kernel, .stride = layer.stride, .padding = layer.kernel / 2}),
                 "pool");
        break;
    }
  }
  return seq;
}

int stem_reduction(StemKind kind) {
  int reduction = 1;
  for (const StemLayer& layer : stem_layers(kind)) reduction *= layer.stride;
  return reduction;
}

}  // namespace bitnas

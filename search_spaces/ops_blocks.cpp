// Block ops (docs/DESIGN.md, The baselines and The cell space): whole residual / VGG blocks as one
// candidate op, so a linear network is a 1-node cell. Built from BinaryConvUnit and the shared
// shortcut.
#include "ops/layers/identity.hpp"
#include "ops/layers/max_pool2d.hpp"
#include "search_spaces/binary_conv_unit.hpp"
#include "search_spaces/branches.hpp"
#include "search_spaces/downsample.hpp"
#include "search_spaces/op_table.hpp"
#include "search_spaces/space_layers.hpp"

namespace bitnas {

namespace {

// aw_nas xnor_resnet_block, with its double shortcut:
//   inner = op1(x) + skip(x);  out = op2(inner) + inner
std::unique_ptr<Module> xnor_resnet_block(int c_in, int c_out, int stride,
                                          const OpContext& context) {
  const LayerOrder order = context.space.binary.layer_order;
  // Built one statement at a time: argument order would leave the rng draws unspecified.
  auto op1 = make_binary_conv_unit(c_in, c_out, same_padded(3, stride), order, nullptr, context);
  auto skip = make_shortcut(c_in, c_out, stride, context);
  auto op2 = make_binary_conv_unit(c_out, c_out, same_padded(3, 1), order, nullptr, context);
  auto block = std::make_unique<Sequential>();
  block->add(make_residual(std::move(op1), std::move(skip)), "first");
  block->add(make_residual(std::move(op2), std::make_unique<Identity>()), "second");
  return block;
}

// Two 3x3 units, each with its own shortcut (Bi-Real: every binary conv is bypassed). The
// order is fixed to conv_bn_relu, as aw_nas's bireal ops (shortcut added before BN), whatever
// the space's layer order.
std::unique_ptr<Module> bireal_resnet_block(int c_in, int c_out, int stride,
                                            const OpContext& context) {
  auto block = std::make_unique<Sequential>();
  block->add(make_binary_conv_unit(c_in, c_out, same_padded(3, stride), LayerOrder::conv_bn_relu,
                                   make_shortcut(c_in, c_out, stride, context), context),
             "conv1");
  block->add(make_binary_conv_unit(c_out, c_out, same_padded(3, 1), LayerOrder::conv_bn_relu,
                                   std::make_unique<Identity>(), context),
             "conv2");
  return block;
}

// BMXNet ResNetE BasicBlockE1: out = BN(binconv3x3(sign(x))) + shortcut(x), one conv.
std::unique_ptr<Module> resnete_block(int c_in, int c_out, int stride, const OpContext& context) {
  return make_binary_conv_unit(c_in, c_out, same_padded(3, stride), LayerOrder::sign_conv_bn,
                               make_shortcut(c_in, c_out, stride, context), context);
}

// A stride-1 binary 3x3 unit in the space's order, then (reduce) a 2x2 max pool, as VGG
// downsamples by pooling rather than by a strided conv.
std::unique_ptr<Module> xnor_vgg_block(int c_in, int c_out, int stride, const OpContext& context) {
  auto block = std::make_unique<Sequential>();
  block->add(make_binary_conv_unit(c_in, c_out, same_padded(3, 1), context.space.binary.layer_order,
                                   nullptr, context),
             "conv");
  if (stride > 1) block->add(std::make_unique<MaxPool2d>(strided_pool_window(stride)), "pool");
  return block;
}

}  // namespace

void register_block_ops(OpTable& table) {
  const std::string two_units = "two 3x3 units, op1 c_in -> c_out at the edge's stride and op2 "
                                "c_out -> c_out at stride 1";
  table.add("xnor_resnet_block",
            {"aw_nas XNOR ResNet block: two binary 3x3 convs, inner = op1(x) + skip(x), "
             "out = op2(inner) + inner",
             two_units + ", in the space's layer order; skip is the space's shortcut",
             "op1: " + binary_conv_unit_cost("c_out*c_in*9") +
                 "; op2: the same with c_in = c_out; plus " + kShortcutCost},
            true, xnor_resnet_block);
  table.add("bireal_resnet_block",
            {"two binary 3x3 convs in conv_bn_relu order, each with its own shortcut",
             two_units + ", always conv_bn_relu; op1's shortcut is the space's",
             "binary c_out*c_in*9 + c_out*c_out*9; BOPs (c_out*c_in*9 + c_out*c_out*9) * H' * W'; "
             "fp 2 BN(c_out); plus " + kShortcutCost},
            true, bireal_resnet_block);
  table.add("resnete_block",
            {"BMXNet ResNetE block: BN(binary conv 3x3(sign x)) + shortcut(x)",
             "one 3x3 unit in sign_conv_bn order at the edge's stride; the space's shortcut",
             "binary c_out*c_in*9; BOPs (c_out*c_in*9) * H' * W'; fp BN(c_out); plus " +
                 kShortcutCost},
            true, resnete_block);
  table.add("xnor_vgg_block",
            {"binary 3x3 conv in the space's order, 2x2 max pool when strided",
             "one 3x3 unit at stride 1 in the space's layer order, then a stride x stride max "
             "pool when the edge is strided",
             "binary c_out*c_in*9; BOPs (c_out*c_in*9) * H * W (the conv runs before the pool); "
             "fp BN(c_in) in bn_conv_relu / bn_relu_conv, BN(c_out) in conv_bn_relu / "
             "sign_conv_bn"},
            true, xnor_vgg_block);
}

}  // namespace bitnas

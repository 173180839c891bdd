#pragma once
// One binary convolution in one of the four layer orders of docs/DESIGN.md (Layer orders), with an
// optional per-op real-valued shortcut (Bi-Real style, aw_nas `*_cond_skip`). Every binary op of
// the search space (candidate convs, blocks, binary downsamples and preprocesses) is built from
// these units, so "where BN, sign, ReLU and the shortcut sit" is decided here only:
//
//   bn_conv_relu:  h = BN(x);  y = conv(h) (+ sc(h));  ReLU(y)   BN over c_in
//   conv_bn_relu:  y = conv(x) (+ sc(x));  ReLU(BN(y))           BN over c_out
//   sign_conv_bn:  y = BN(conv(x)) (+ sc(x)), no ReLU            BN over c_out
//   bn_relu_conv:  y = conv(ReLU(BN(x))) (+ sc(x))               BN over c_in
//
// sign() itself is inside BinaryConv2d. Children, in execution order: "bn", "conv", "relu",
// "shortcut" (parameters "bn.weight", "conv.weight", "shortcut.*").
#include <memory>
#include <string>
#include <vector>

#include "ops/layers/batch_norm.hpp"
#include "ops/layers/binary_conv2d.hpp"
#include "ops/layers/relu.hpp"
#include "search_spaces/op_registry.hpp"

namespace bitnas {

class BinaryConvUnit : public Module {
 public:
  // `conv` carries this op's kernel/stride/padding/dilation/groups; `shortcut` may be null
  // (no per-op shortcut) and must map c_in to c_out at the conv's stride.
  BinaryConvUnit(int c_in, int c_out, LayerOrder order, const BinaryConv2dOptions& conv,
                 const BatchNormOptions& norm, std::unique_ptr<Module> shortcut, Rng& rng);

  std::string type_name() const override { return "BinaryConvUnit"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;
  std::vector<std::pair<std::string, Module*>> children() override;

  LayerOrder order() const { return order_; }
  BinaryConv2d& conv() { return conv_; }
  BatchNorm& bn() { return bn_; }
  Module* shortcut() { return shortcut_.get(); }
  // True when the binary conv reads a ReLU output (bn_relu_conv), where sign() is constant
  // +1 unless something is added in between: the model builder warns (docs/DESIGN.md, Layer
  // orders).
  bool sign_input_is_post_relu() const { return order_ == LayerOrder::bn_relu_conv; }

 private:
  // y += shortcut(t), and its backward g += shortcut'(grad); an identity shortcut adds the
  // tensor itself instead of a copy of it.
  void add_shortcut(Tensor& y, const Tensor& t, Mode mode);
  void add_shortcut_grad(Tensor& g, const Tensor& grad);

  LayerOrder order_;
  BatchNorm bn_;
  BinaryConv2d conv_;
  ReLU relu_;
  std::unique_ptr<Module> shortcut_;
  bool shortcut_is_identity_ = false;
};

// Kernel, stride, padding, dilation and groups of one binary conv; the other knobs come from
// the space.
struct ConvShape {
  int kernel = 3;
  int stride = 1;
  int padding = 1;
  int dilation = 1;
  int groups = 1;
};

// "Same" padding dilation * (kernel - 1) / 2, so a stride-s conv maps H to ceil(H / s).
ConvShape same_padded(int kernel, int stride, int dilation = 1, int groups = 1);

// The space's binary conv knobs with `shape` filled in.
BinaryConv2dOptions binary_conv_options(const BinaryOpSettings& settings, const ConvShape& shape);

// The cost of one unit in OpDoc's notation, given its binary weight count as a formula:
// those weights, BOPs = weights * H' * W', and the unit's BN, whose width the layer order sets.
std::string binary_conv_unit_cost(const std::string& weights);

// A unit with the space's conv knobs and BN eps.
std::unique_ptr<BinaryConvUnit> make_binary_conv_unit(int c_in, int c_out, const ConvShape& shape,
                                                      LayerOrder order,
                                                      std::unique_ptr<Module> shortcut,
                                                      const OpContext& context);

}  // namespace bitnas

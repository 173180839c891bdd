#include "search_spaces/binary_conv_unit.hpp"

#include <stdexcept>

#include "ops/layers/identity.hpp"

namespace bitnas {

namespace {

bool norm_precedes_conv(LayerOrder order) {
  return order == LayerOrder::bn_conv_relu || order == LayerOrder::bn_relu_conv;
}

}  // namespace

BinaryConvUnit::BinaryConvUnit(int c_in, int c_out, LayerOrder order,
                               const BinaryConv2dOptions& conv, const BatchNormOptions& norm,
                               std::unique_ptr<Module> shortcut, Rng& rng)
    : order_(order),
      bn_(norm_precedes_conv(order) ? c_in : c_out, norm),
      conv_(c_in, c_out, conv, rng),
      shortcut_(std::move(shortcut)),
      shortcut_is_identity_(shortcut_ && is_identity_op(*shortcut_)) {}

void BinaryConvUnit::add_shortcut(Tensor& y, const Tensor& t, Mode mode) {
  if (shortcut_is_identity_) y.add_(t);
  else if (shortcut_) y.add_(shortcut_->forward(t, mode));
}

void BinaryConvUnit::add_shortcut_grad(Tensor& g, const Tensor& grad) {
  if (shortcut_is_identity_) g.add_(grad);
  else if (shortcut_) g.add_(shortcut_->backward(grad));
}

Tensor BinaryConvUnit::forward(const Tensor& x, Mode mode) {
  switch (order_) {
    case LayerOrder::bn_conv_relu: {
      const Tensor h = bn_.forward(x, mode);
      Tensor y = conv_.forward(h, mode);
      add_shortcut(y, h, mode);
      return relu_.forward(y, mode);
    }
    case LayerOrder::conv_bn_relu: {
      Tensor y = conv_.forward(x, mode);
      add_shortcut(y, x, mode);
      return relu_.forward(bn_.forward(y, mode), mode);
    }
    case LayerOrder::sign_conv_bn: {
      Tensor y = bn_.forward(conv_.forward(x, mode), mode);
      add_shortcut(y, x, mode);
      return y;
    }
    case LayerOrder::bn_relu_conv: {
      Tensor y = conv_.forward(relu_.forward(bn_.forward(x, mode), mode), mode);
      add_shortcut(y, x, mode);
      return y;
    }
  }
  throw std::logic_error("BinaryConvUnit: unknown layer order");
}

Tensor BinaryConvUnit::backward(const Tensor& grad_output) {
  switch (order_) {
    case LayerOrder::bn_conv_relu: {
      const Tensor gy = relu_.backward(grad_output);
      Tensor gh = conv_.backward(gy);
      add_shortcut_grad(gh, gy);
      return bn_.backward(gh);
    }
    case LayerOrder::conv_bn_relu: {
      const Tensor gy = bn_.backward(relu_.backward(grad_output));
      Tensor gx = conv_.backward(gy);
      add_shortcut_grad(gx, gy);
      return gx;
    }
    case LayerOrder::sign_conv_bn: {
      Tensor gx = conv_.backward(bn_.backward(grad_output));
      add_shortcut_grad(gx, grad_output);
      return gx;
    }
    case LayerOrder::bn_relu_conv: {
      Tensor gx = bn_.backward(relu_.backward(conv_.backward(grad_output)));
      add_shortcut_grad(gx, grad_output);
      return gx;
    }
  }
  throw std::logic_error("BinaryConvUnit: unknown layer order");
}

std::vector<std::pair<std::string, Module*>> BinaryConvUnit::children() {
  std::vector<std::string> names;
  switch (order_) {
    case LayerOrder::bn_conv_relu:
      names = {"bn", "conv", "shortcut", "relu"};
      break;
    case LayerOrder::conv_bn_relu:
      names = {"conv", "shortcut", "bn", "relu"};
      break;
    case LayerOrder::sign_conv_bn:
      names = {"conv", "bn", "shortcut"};
      break;
    case LayerOrder::bn_relu_conv:
      names = {"bn", "relu", "conv", "shortcut"};
      break;
  }
  std::vector<std::pair<std::string, Module*>> out;
  for (const std::string& name : names) {
    Module* m = name == "bn"     ? static_cast<Module*>(&bn_)
                : name == "conv" ? static_cast<Module*>(&conv_)
                : name == "relu" ? static_cast<Module*>(&relu_)
                                 : shortcut_.get();
    if (m) out.emplace_back(name, m);
  }
  return out;
}

std::string binary_conv_unit_cost(const std::string& weights) {
  return "binary " + weights + "; BOPs (" + weights +
         ") * H' * W'; fp BN(c_in) in bn_conv_relu / bn_relu_conv, BN(c_out) in conv_bn_relu / "
         "sign_conv_bn";
}

ConvShape same_padded(int kernel, int stride, int dilation, int groups) {
  return {.kernel = kernel,
          .stride = stride,
          .padding = dilation * (kernel - 1) / 2,
          .dilation = dilation,
          .groups = groups};
}

BinaryConv2dOptions binary_conv_options(const BinaryOpSettings& settings, const ConvShape& shape) {
  BinaryConv2dOptions o = settings.conv;
  o.kernel = shape.kernel;
  o.stride = shape.stride;
  o.padding = shape.padding;
  o.dilation = shape.dilation;
  o.groups = shape.groups;
  return o;
}

std::unique_ptr<BinaryConvUnit> make_binary_conv_unit(int c_in, int c_out, const ConvShape& shape,
                                                      LayerOrder order,
                                                      std::unique_ptr<Module> shortcut,
                                                      const OpContext& context) {
  const BinaryOpSettings& settings = context.space.binary;
  return std::make_unique<BinaryConvUnit>(c_in, c_out, order, binary_conv_options(settings, shape),
                                          BatchNormOptions{.affine = context.affine_norms,
                                                           .eps = settings.bn_eps},
                                          std::move(shortcut), context.rng);
}

}  // namespace bitnas

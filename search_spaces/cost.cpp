#include "search_spaces/cost.hpp"

#include <stdexcept>

#include "ops/layers/binary_conv2d.hpp"
#include "ops/layers/conv2d.hpp"
#include "ops/layers/linear.hpp"
#include "search_spaces/network.hpp"

namespace bitnas {

namespace {

[[noreturn]] void incomplete(const LayerCost& layer, const std::string& why) {
  throw std::logic_error("cost accounting: " + layer.name + " (" + layer.type + "): " + why);
}

void require_ran(const LayerCost& layer, const Shape& input_shape) {
  if (input_shape.empty())
    incomplete(layer, "did not run in the accounting forward, so its output size is unknown");
}

// Fills shapes and MACs for the layer types that multiply-accumulate; false for the others.
bool count_macs(Module& module, LayerCost& layer) {
  if (auto* conv = dynamic_cast<Conv2d*>(&module)) {
    require_ran(layer, conv->last_input_shape());
    const ConvGeometry g = conv->geometry(conv->last_input_shape());
    layer.input_shape = g.input_shape();
    layer.output_shape = g.output_shape();
    layer.flops = conv->weight().value.numel() * g.out_pixels_per_image();
    return true;
  }
  if (auto* conv = dynamic_cast<BinaryConv2d*>(&module)) {
    require_ran(layer, conv->last_input_shape());
    const ConvGeometry g = conv->geometry(conv->last_input_shape());
    layer.input_shape = g.input_shape();
    layer.output_shape = g.output_shape();
    layer.bops = conv->weight().value.numel() * g.out_pixels_per_image();
    return true;
  }
  if (auto* fc = dynamic_cast<Linear*>(&module)) {
    require_ran(layer, fc->last_input_shape());
    layer.input_shape = fc->last_input_shape();
    layer.output_shape = {layer.input_shape.front(), fc->out_features()};
    layer.flops = static_cast<std::int64_t>(fc->in_features()) * fc->out_features();
    layer.classifier = true;  // account_costs keeps the mark on the last Linear only
    return true;
  }
  return false;
}

// One layer of the report for a leaf of the walk; false when the leaf has neither parameters
// nor multiply-accumulates (ReLU, pools, merges, a BN without affine parameters).
bool leaf_cost(Module& module, const std::string& name, LayerCost& layer) {
  layer.name = name.empty() ? module.type_name() : name;
  layer.type = module.type_name();
  bool holds_weights = false;
  for (const NamedParameter& p : module.parameters()) {
    const std::int64_t n = p.param->value.numel();
    if (p.param->role == ParamRole::binary_weight) layer.binary_params += n;
    else layer.fp_params += n;
    holds_weights |= p.param->role == ParamRole::weight || p.param->role == ParamRole::binary_weight;
  }
  const bool counted = count_macs(module, layer);
  if (holds_weights && !counted)
    incomplete(layer, "holds weights but is neither Conv2d, BinaryConv2d nor Linear, so its "
                      "multiply-accumulates cannot be counted; if it contains layers, it must "
                      "list them in Module::children()");
  return counted || layer.fp_params > 0 || layer.binary_params > 0;
}

}  // namespace

CostTotals sum_costs(const std::vector<LayerCost>& layers) {
  CostTotals t;
  for (const LayerCost& l : layers) {
    t.fp_params += l.fp_params;
    t.binary_params += l.binary_params;
    t.flops += l.flops;
    t.bops += l.bops;
    if (l.classifier) t.classifier_flops += l.flops;
  }
  return t;
}

CostReport account_costs(Module& root) {
  CostReport report;
  visit_modules(root, [&](const std::string& name, Module& module) {
    if (!module.children().empty()) return;  // containers: their leaves are visited
    LayerCost layer;
    if (leaf_cost(module, name, layer)) report.layers.push_back(std::move(layer));
  });
  bool last = true;
  for (auto it = report.layers.rbegin(); it != report.layers.rend(); ++it)
    if (it->classifier) {
      it->classifier = last;
      last = false;
    }
  report.total = sum_costs(report.layers);

  // A container that lists only some of its sub-modules in children() would leave their
  // parameters (and MACs) out of the walk without any leaf noticing.
  std::int64_t expected = 0;
  for (const NamedParameter& p : root.parameters()) expected += p.param->value.numel();
  if (expected != report.total.params())
    throw std::logic_error("cost accounting: the walk over children() of " + root.type_name() +
                           " found " + std::to_string(report.total.params()) +
                           " parameter values but parameters() has " + std::to_string(expected) +
                           "; some module holds layers it does not list in children()");
  return report;
}

CostReport measure_costs(Network& network) {
  const InputSpec& in = network.input_spec();
  network.forward(Tensor({1, in.height, in.width, in.channels}), Mode::eval);
  return account_costs(network);
}

}  // namespace bitnas

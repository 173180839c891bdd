#pragma once
// Cost accounting (docs/DESIGN.md, Cost accounting; docs/COST.md): parameters, FLOPs, BOPs, OPs and
// model size of a network, per layer and in total, as binary NAS papers report them.
//
// How: one eval-mode forward of a batch-1 input, then a walk over Module::children() from the
// root (visit_modules). Every leaf of the walk (a module without children) that has parameters or
// multiply-accumulates is a layer of the report, named by the dotted path of the walk
// ("cells.3.node2.from1.bconv_3x3.conv"). Conv2d, BinaryConv2d and Linear remember the input
// shape of their last forward, which gives their output size.
//
// What is counted (all per input image):
// - Parameters: every learnable parameter value. Binary: ParamRole::binary_weight (the latent
//   weights of binary convs, stored as 1 bit each). Full precision: everything else — FP conv
//   and FC weights, their biases, BatchNorm gamma and beta. BatchNorm running mean / variance
//   are buffers, not parameters, and are not counted (PyTorch's count, sum of p.numel()).
// - FLOPs: full-precision multiply-accumulates of Conv2d (weight.numel() * OH * OW, so
//   groups and dilation are accounted for; padding taps count) and Linear (in * out).
// - BOPs: binary multiply-accumulates of BinaryConv2d, weight.numel() * OH * OW.
// - OPs = FLOPs + BOPs / 64; ops_without_fc leaves out the last Linear (the classifier),
//   as BMXNet's model summary does.
// - Bytes = binary_params / 8 + fp_params * 4 (1 bit per binary weight, float32 otherwise).
//   OPs and bytes are exact: multiples of 1/64 and 1/8, which doubles hold exactly.
//
// Not counted (cheap next to the convs, and not counted by the papers either): BatchNorm
// (foldable into a scale and shift, or into the sign threshold), the binary conv's weight
// scale alpha and output offset (one multiply-add per output), the XNOR K-map (channel mean
// of |x|, its box filter and the multiply by K), sign(), ReLU, pools, adds, concatenation,
// and the bias additions of Conv2d / Linear.
#include <cstdint>
#include <string>
#include <vector>

#include "ops/core/module.hpp"
#include "ops/core/tensor.hpp"

namespace bitnas {

class Network;

struct LayerCost {
  std::string name;          // dotted path of the walk
  std::string type;          // Module::type_name()
  Shape input_shape;         // of the accounting forward (NHWC or [N, C]); empty if unknown
  Shape output_shape;        // likewise
  std::int64_t fp_params = 0;
  std::int64_t binary_params = 0;
  std::int64_t flops = 0;    // full-precision MACs
  std::int64_t bops = 0;     // binary MACs
  bool classifier = false;   // the last Linear, left out of ops_without_fc
};

struct CostTotals {
  std::int64_t fp_params = 0;
  std::int64_t binary_params = 0;
  std::int64_t flops = 0;
  std::int64_t bops = 0;
  std::int64_t classifier_flops = 0;  // FLOPs of the last Linear

  std::int64_t params() const { return fp_params + binary_params; }
  double ops() const { return static_cast<double>(flops) + static_cast<double>(bops) / 64.0; }
  double ops_without_fc() const { return ops() - static_cast<double>(classifier_flops); }
  double bytes() const {
    return static_cast<double>(binary_params) / 8.0 + static_cast<double>(fp_params) * 4.0;
  }
};

struct CostReport {
  std::vector<LayerCost> layers;  // walk order (execution order)
  CostTotals total;               // the sum of the layers
};

// Walks `root` after a forward has run (batch size does not matter: costs are per image).
// Throws std::logic_error when the walk cannot be complete: a conv or FC that did not run, a
// leaf holding weights whose MACs it cannot count (a container that does not override
// Module::children()), or leaves whose parameters do not add up to root.parameters().
CostReport account_costs(Module& root);

// Runs one eval-mode forward of a batch-1 zero image of the network's input spec, then
// account_costs. The eval forward discards what a train-mode forward kept for backward.
CostReport measure_costs(Network& network);

// Totals of `layers` (what account_costs stores in CostReport::total).
CostTotals sum_costs(const std::vector<LayerCost>& layers);

}  // namespace bitnas

#pragma once
// The binary convolution layer (docs/DESIGN.md, Binary convolution): sign(x) (*) sign(W), times the
// weight scale alpha and the XNOR K-map, with BMXNet's optional popcount offset.
//
// Forward, in both modes, is bitwise: the input's signs are packed and run through the binary
// kernel of the active instruction-set tier; alpha and the offset are the kernel's output
// transform. The packed weights are cached per Parameter::version (optimizer steps bump it),
// so a layer packs its weights once per step, not once per call.
//
// Backward is float: the gradients w.r.t. the +-1 tensors come from the float conv on them
// (pad taps hold the pad mode's value), then the straight-through estimators' masks apply.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ops/core/module.hpp"
#include "ops/core/random.hpp"
#include "ops/kernels/binary_conv.hpp"
#include "ops/kernels/conv_geometry.hpp"
#include "ops/kernels/float_conv.hpp"
#include "ops/layers/binary_conv_options.hpp"

namespace bitnas {

class BinaryConv2d : public Module {
 public:
  // Latent weights OHWI [out, k, k, in/groups], PyTorch's default conv init. With weight STE
  // clip the weight Parameter gets clamp = 1, so optimizers keep it in [-1, 1].
  BinaryConv2d(int in_channels, int out_channels, const BinaryConv2dOptions& options, Rng& rng);

  std::string type_name() const override { return "BinaryConv2d"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;
  void collect_parameters(const std::string& prefix, std::vector<NamedParameter>& out) override;

  int in_channels() const { return in_channels_; }
  int out_channels() const { return out_channels_; }
  const BinaryConv2dOptions& options() const { return options_; }
  Parameter& weight() { return weight_; }
  const Parameter& weight() const { return weight_; }
  // "BinaryConv2d(16->32, k=3 ...)", the name errors use.
  std::string describe() const;
  // Geometry of this conv on an NHWC input of that shape; throws a clear error if the shape
  // does not fit (wrong rank or channel count, empty output).
  ConvGeometry geometry(const Shape& input_shape) const;
  // Shape of the input of the last forward (train or eval); empty before the first. Cost
  // accounting reads the output size from it.
  const Shape& last_input_shape() const { return last_input_shape_; }

  // Pins the binary kernel's tier (tests, benchmarks); nullopt (the default) follows
  // active_isa() at every forward.
  void set_isa(std::optional<Isa> isa) { forced_isa_ = isa; }
  // The arithmetic of backward's two GEMMs (float_conv.hpp). bfloat16 needs a CPU with
  // AVX512_BF16: set_binary_backward_precision falls back for the CPUs without it.
  void set_backward_precision(BackwardPrecision precision) { backward_precision_ = precision; }
  BackwardPrecision backward_precision() const { return backward_precision_; }
  // Times the weights were packed: once per (Parameter::version, tier) seen by forward.
  std::uint64_t weight_pack_count() const { return pack_count_; }

  // Test hook for the gradient check. When on, forward computes (in float) a smooth surrogate
  // whose exact derivative is what backward returns, anchored at the first forward after the
  // switch (input x0, weights W0):
  //   f = dot(sign x, sign W) + conv(s(x) - s(x0), sign W) + conv(sign x, r(W) - r(W0))
  // with s, r the activation and weight surrogates (sign_estimators.hpp). Each STE surrogate
  // sits in its own term because the STE gradient w.r.t. x uses sign(W), not r(W) (and vice
  // versa), and f equals the binary dot at the anchor so that alpha's and K's product-rule
  // terms match. With ScaleGradient::stop, alpha and the K-map stay frozen at the anchor's
  // values; with flow they are recomputed from the perturbed x and W. Off (the default) is
  // the bitwise forward. Every call re-arms the anchor.
  void set_surrogate_forward(bool on);

 private:
  // The output transform: y = alpha * (dot * dot_scale + dot_offset) = dot * scale + offset
  // per output channel (dot_scale / dot_offset are 1 / 0, or 1/2 / K/2 for the bmxnet offset).
  struct Epilogue {
    float dot_scale = 1.0f, dot_offset = 0.0f;
    std::vector<float> alpha, scale, offset;
  };
  struct PackedWeightCache {
    PackedWeights weights;
    Epilogue epilogue;
    std::uint64_t version = 0;
    bool valid = false;
  };
  // What backward needs from the last train-mode forward, kept until that backward.
  struct ForwardState {
    // The input, when backward needs its values (approx_sign STE, the XNOR K-map, the
    // surrogate forward); else only, per value, what backward reads of it (input_codes).
    Tensor input;
    std::vector<std::uint8_t, DefaultInitAlignedAllocator<std::uint8_t>> codes;
    ConvGeometry geometry;
    std::vector<float> alpha;
    Tensor k_map;  // [N, OH, OW, 1]; empty without xnor_k
    Tensor dot;    // the +-1 conv before scaling; kept only when a scale gradient flows
  };
  struct SurrogateAnchor {
    Tensor input, weight;
    std::vector<float> alpha;
    Tensor k_map;
    bool set = false;
  };

  Epilogue make_epilogue(std::vector<float> alpha) const;
  bool backward_needs_input_values() const;
  const PackedWeightCache& packed_weights();
  bool scale_gradient_flows() const;
  Tensor bitwise_forward(const Tensor& input, const ConvGeometry& g, bool keep_dot,
                         ForwardState& s);
  Tensor surrogate_forward(const Tensor& input, const ConvGeometry& g, ForwardState& s);

  const int in_channels_, out_channels_;
  const BinaryConv2dOptions options_;
  Parameter weight_;
  std::optional<Isa> forced_isa_;
  BackwardPrecision backward_precision_ = BackwardPrecision::float32;
  PackedWeightCache packed_;
  std::uint64_t pack_count_ = 0;
  ForwardState state_;
  bool has_state_ = false;
  Shape last_input_shape_;
  bool surrogate_ = false;
  SurrogateAnchor anchor_;
};

// Sets the backward precision of every BinaryConv2d under `root` to what this CPU can run of
// `requested` (usable_backward_precision) and returns it; callers say when it differs.
BackwardPrecision set_binary_backward_precision(Module& root, BackwardPrecision requested);

}  // namespace bitnas

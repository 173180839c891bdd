#pragma once
// The knobs of one binary convolution (docs/DESIGN.md, Binary convolution), as a typed struct a
// BinaryConv2d copies at construction and never changes. Each enum parses from the name a config
// file uses; a bad name is an error listing the valid ones.
#include <string>

#include "ops/kernels/binary_conv.hpp"

namespace bitnas {

// alpha multiplying sign(W): none, one mean|W| for the whole tensor, or one per output channel.
enum class WeightScale { none, tensor, channel };
// Whether alpha and the K-map are differentiated (BMXNet `binet`) or constants (`xnor`).
enum class ScaleGradient { stop, flow };
// xnor_k: the output is multiplied by the XNOR-Net K-map of the input's mean |x|.
enum class ActivationScale { none, xnor_k };
// Surrogate gradient of sign(x): ste = 1{|x| <= t}; approx_sign = Bi-Real's 2 - 2|x| on |x| <= 1.
enum class ActivationSte { ste, approx_sign };
// Surrogate gradient of sign(W): identity, or clip = 1{|W| <= 1} with W clamped after steps.
enum class WeightSte { identity, clip };
// bmxnet: y' = (dot + K) / 2, the XNOR popcount BMXNet-v2 outputs.
enum class OutputOffset { none, bmxnet };

const char* to_string(WeightScale v);
const char* to_string(ScaleGradient v);
const char* to_string(ActivationScale v);
const char* to_string(ActivationSte v);
const char* to_string(WeightSte v);
const char* to_string(OutputOffset v);

// Each throws std::invalid_argument "unknown <knob> '<name>' (expected a, b or c)".
WeightScale parse_weight_scale(const std::string& name);
ScaleGradient parse_scale_gradient(const std::string& name);
ActivationScale parse_activation_scale(const std::string& name);
ActivationSte parse_activation_ste(const std::string& name);
WeightSte parse_weight_ste(const std::string& name);
OutputOffset parse_output_offset(const std::string& name);

struct BinaryConv2dOptions {
  bool operator==(const BinaryConv2dOptions&) const = default;
  int kernel = 3;
  int stride = 1;
  int padding = 1;
  int dilation = 1;
  int groups = 1;
  PadMode pad_mode = PadMode::zero;
  WeightScale weight_scale = WeightScale::none;
  ScaleGradient scale_gradient = ScaleGradient::stop;
  ActivationScale activation_scale = ActivationScale::none;
  ActivationSte activation_ste = ActivationSte::ste;
  float ste_threshold = 1.0f;  // t of ActivationSte::ste; unused by approx_sign
  WeightSte weight_ste = WeightSte::identity;
  OutputOffset output_offset = OutputOffset::none;

  // Throws std::invalid_argument naming the first field out of range.
  void validate() const;
  // One line, e.g. "k=3 s=1 p=1 d=1 g=1 pad=zero scale=channel/stop act=none ste(1.3) w=clip
  // offset=none", for summaries and error messages.
  std::string to_string() const;
};

}  // namespace bitnas

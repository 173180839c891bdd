#include "ops/layers/binary_conv2d.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

#include "ops/kernels/float_conv.hpp"
#include "ops/layers/layer_checks.hpp"
#include "ops/layers/row_parallel.hpp"
#include "ops/layers/sign_estimators.hpp"
#include "ops/layers/weight_scale.hpp"
#include "ops/layers/xnor_k_map.hpp"

namespace bitnas {

namespace {

template <typename F>
Tensor map_values(const Tensor& a, F f) {
  Tensor out = Tensor::uninitialized(a.shape());
  for_each_row_block(a.numel(), 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) out[i] = f(a[i]);
  });
  return out;
}

// a[i] = f(a[i], b[i]).
template <typename F>
void combine_values(Tensor& a, const Tensor& b, F f) {
  for_each_row_block(a.numel(), 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) a[i] = f(a[i], b[i]);
  });
}

Tensor signs(const Tensor& t) { return map_values(t, binary_sign); }

// What backward reads of an input value under the indicator STE, in one byte instead of four:
// bit 0 its sign is -1, bit 1 it lies inside the STE window (|x| <= t).
constexpr std::uint8_t kNegative = 1, kInsideSte = 2;

std::vector<std::uint8_t, DefaultInitAlignedAllocator<std::uint8_t>> input_codes(
    const Tensor& x, float threshold) {
  std::vector<std::uint8_t, DefaultInitAlignedAllocator<std::uint8_t>> codes(
      static_cast<std::size_t>(x.numel()));
  std::uint8_t* out = codes.data();
  const float* in = x.data();
  for_each_row_block(x.numel(), 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i)
      out[i] = static_cast<std::uint8_t>((in[i] < 0.0f ? kNegative : 0) |
                                         (std::abs(in[i]) <= threshold ? kInsideSte : 0));
  });
  return codes;
}

// sign(x) as +-1 floats, from the codes.
Tensor signs_of_codes(const std::uint8_t* codes, const Shape& shape) {
  Tensor out = Tensor::uninitialized(shape);
  float* o = out.data();
  for_each_row_block(out.numel(), 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) o[i] = codes[i] & kNegative ? -1.0f : 1.0f;
  });
  return out;
}

// The K-map holds one factor per output pixel, shared by all its channels.
void multiply_pixels(Tensor& y, const Tensor& k_map) {
  const int c = y.dim(3);
  for_each_row_block(k_map.numel(), c, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t p = b; p < e; ++p)
      for (int o = 0; o < c; ++o) y[p * c + o] *= k_map[p];
  });
}

}  // namespace

BinaryConv2d::BinaryConv2d(int in_channels, int out_channels, const BinaryConv2dOptions& options,
                           Rng& rng)
    : in_channels_(in_channels), out_channels_(out_channels), options_(options) {
  options_.validate();
  require_argument(in_channels >= 1 && out_channels >= 1, describe(),
                   "channel counts must be positive");
  require_argument(in_channels % options_.groups == 0 && out_channels % options_.groups == 0,
                   describe(), "groups must divide both channel counts");
  const int in_per_group = in_channels / options_.groups;
  Tensor w({out_channels, options_.kernel, options_.kernel, in_per_group});
  fill_fan_in_uniform(w, rng, in_per_group * options_.kernel * options_.kernel);
  weight_ = Parameter(std::move(w), ParamRole::binary_weight);
  if (options_.weight_ste == WeightSte::clip) weight_.clamp = 1.0f;
}

std::string BinaryConv2d::describe() const {
  return type_name() + "(" + std::to_string(in_channels_) + "->" +
         std::to_string(out_channels_) + ", " + options_.to_string() + ")";
}

ConvGeometry BinaryConv2d::geometry(const Shape& input_shape) const {
  if (input_shape.size() != 4)
    throw std::invalid_argument(describe() + ": expected an NHWC input (rank 4), got shape " +
                                shape_string(input_shape));
  if (input_shape[3] != in_channels_)
    throw std::invalid_argument(describe() + ": expected " + std::to_string(in_channels_) +
                                " input channels (NHWC, last dimension), got shape " +
                                shape_string(input_shape));
  return ConvGeometry::for_input(input_shape, out_channels_, options_.kernel, options_.stride,
                                 options_.padding, options_.dilation, options_.groups);
}

void BinaryConv2d::collect_parameters(const std::string& prefix,
                                      std::vector<NamedParameter>& out) {
  out.push_back({prefix + "weight", &weight_});
}

void BinaryConv2d::set_surrogate_forward(bool on) {
  surrogate_ = on;
  anchor_ = {};
}

bool BinaryConv2d::backward_needs_input_values() const {
  return surrogate_ || options_.activation_ste != ActivationSte::ste ||
         (scale_gradient_flows() && options_.activation_scale == ActivationScale::xnor_k);
}

bool BinaryConv2d::scale_gradient_flows() const {
  return options_.scale_gradient == ScaleGradient::flow &&
         (options_.weight_scale != WeightScale::none ||
          options_.activation_scale == ActivationScale::xnor_k);
}

BinaryConv2d::Epilogue BinaryConv2d::make_epilogue(std::vector<float> alpha) const {
  // y = alpha * (dot + K) / 2 with the bmxnet offset: the popcount, scaled like the weights.
  const bool popcount = options_.output_offset == OutputOffset::bmxnet;
  const int k = options_.kernel * options_.kernel * (in_channels_ / options_.groups);
  Epilogue e;
  e.dot_scale = popcount ? 0.5f : 1.0f;
  e.dot_offset = popcount ? 0.5f * static_cast<float>(k) : 0.0f;
  e.scale.resize(alpha.size());
  e.offset.resize(alpha.size());
  for (std::size_t o = 0; o < alpha.size(); ++o) {
    e.scale[o] = alpha[o] * e.dot_scale;
    e.offset[o] = alpha[o] * e.dot_offset;
  }
  e.alpha = std::move(alpha);
  return e;
}

const BinaryConv2d::PackedWeightCache& BinaryConv2d::packed_weights() {
  const Isa isa = forced_isa_ ? *forced_isa_ : active_isa();
  if (packed_.valid && packed_.version == weight_.version && packed_.weights.isa == isa)
    return packed_;
  packed_.valid = false;  // stays false if packing throws
  packed_.weights = pack_binary_weights(weight_.value, options_.groups, isa);
  packed_.epilogue = make_epilogue(weight_scales(weight_.value, options_.weight_scale));
  packed_.version = weight_.version;
  packed_.valid = true;
  ++pack_count_;
  return packed_;
}

Tensor BinaryConv2d::forward(const Tensor& input, Mode mode) {
  const ConvGeometry g = geometry(input.shape());
  const bool train = mode == Mode::train;
  ForwardState s;
  s.geometry = g;
  Tensor y = surrogate_ ? surrogate_forward(input, g, s)
                        : bitwise_forward(input, g, train && scale_gradient_flows(), s);
  has_state_ = train;
  if (train && backward_needs_input_values()) s.input = input;
  else if (train) s.codes = input_codes(input, options_.ste_threshold);
  state_ = train ? std::move(s) : ForwardState{};
  last_input_shape_ = input.shape();
  return y;
}

Tensor BinaryConv2d::bitwise_forward(const Tensor& input, const ConvGeometry& g, bool keep_dot,
                                     ForwardState& s) {
  const PackedWeightCache& w = packed_weights();
  // Local, not a member: a supernet holds hundreds of these layers, and a packed copy of
  // each one's last input would stay allocated for nothing.
  PackedActivations packed_input;
  pack_signs_nhwc(input, g.groups, packed_input);
  Tensor y;
  const OutputTransform transform{w.epilogue.scale.data(), w.epilogue.offset.data()};
  binary_conv_forward(packed_input, w.weights, g, options_.pad_mode, transform, y);
  s.alpha = w.epilogue.alpha;
  if (options_.activation_scale == ActivationScale::xnor_k) {
    s.k_map = xnor_k_map(input, g);
    multiply_pixels(y, s.k_map);
  }
  // A second, unscaled kernel run is cheaper than recovering dot from y by division (which
  // fails where alpha or K is 0) and keeps train and eval outputs bit-identical.
  if (keep_dot) binary_conv_forward(packed_input, w.weights, g, options_.pad_mode, {}, s.dot);
  return y;
}

Tensor BinaryConv2d::surrogate_forward(const Tensor& input, const ConvGeometry& g,
                                       ForwardState& s) {
  const Tensor& w = weight_.value;
  const bool xnor = options_.activation_scale == ActivationScale::xnor_k;
  if (!anchor_.set) {
    anchor_.input = input;
    anchor_.weight = w;
    anchor_.alpha = weight_scales(w, options_.weight_scale);
    if (xnor) anchor_.k_map = xnor_k_map(input, g);
    anchor_.set = true;
  }
  require_argument(input.same_shape(anchor_.input), describe(),
                   "surrogate forward input shape " + input.shape_string() +
                       " differs from the anchor's " + anchor_.input.shape_string());
  const ActivationSte ste = options_.activation_ste;
  const float t = options_.ste_threshold;
  const WeightSte wste = options_.weight_ste;
  const float pad = pad_value(options_.pad_mode);

  const Tensor xb = signs(input), wb = signs(w);
  s.dot = float_conv_forward(xb, wb, g, pad);
  Tensor dx = input;
  combine_values(dx, anchor_.input, [&](float x, float x0) {
    return activation_surrogate(ste, t, x) - activation_surrogate(ste, t, x0);
  });
  Tensor dw = w;
  combine_values(dw, anchor_.weight, [&](float v, float v0) {
    return weight_surrogate(wste, v) - weight_surrogate(wste, v0);
  });
  // The surrogate's x-term pads with 0: pad taps are constants, whatever x does.
  Tensor f = s.dot;
  f.add_(float_conv_forward(dx, wb, g, 0.0f));
  f.add_(float_conv_forward(xb, dw, g, pad));

  const bool flows = scale_gradient_flows();
  s.alpha = flows ? weight_scales(w, options_.weight_scale) : anchor_.alpha;
  if (xnor) s.k_map = flows ? xnor_k_map(input, g) : anchor_.k_map;
  const Epilogue e = make_epilogue(s.alpha);
  const int oc = out_channels_;
  for_each_row_block(f.numel() / oc, oc, [&](std::int64_t b, std::int64_t end) {
    for (std::int64_t p = b; p < end; ++p)
      for (int o = 0; o < oc; ++o) f[p * oc + o] = f[p * oc + o] * e.scale[o] + e.offset[o];
  });
  if (xnor) multiply_pixels(f, s.k_map);
  return f;
}

Tensor BinaryConv2d::backward(const Tensor& grad_output) {
  require_train_forward(has_state_, type_name());
  const ForwardState& s = state_;
  const ConvGeometry& g = s.geometry;
  require_grad_shape(grad_output, g.output_shape(), describe());
  const Epilogue e = make_epilogue(s.alpha);
  const bool xnor = !s.k_map.empty();
  const int oc = out_channels_;
  const std::int64_t pixels = grad_output.numel() / oc;
  auto k_at = [&](std::int64_t p) { return xnor ? s.k_map[p] : 1.0f; };

  // dL/d(dot): y = K * (dot * alpha*m + alpha*m*c).
  Tensor grad_dot = Tensor::uninitialized(grad_output.shape());
  for_each_row_block(pixels, oc, [&](std::int64_t b, std::int64_t end) {
    for (std::int64_t p = b; p < end; ++p)
      for (int o = 0; o < oc; ++o)
        grad_dot[p * oc + o] = grad_output[p * oc + o] * k_at(p) * e.scale[o];
  });
  Tensor grad_input, grad_w(weight_.value.shape());
  const bool coded = s.input.empty();
  float_conv_backward(coded ? signs_of_codes(s.codes.data(), g.input_shape()) : signs(s.input),
                      signs(weight_.value), grad_dot, g, pad_value(options_.pad_mode),
                      &grad_input, &grad_w, backward_precision_);

  const ActivationSte ste = options_.activation_ste;
  const float t = options_.ste_threshold;
  if (coded) {
    // The indicator STE's factor, 1 or 0, multiplied as the float path does (same bits).
    float* gx = grad_input.data();
    const std::uint8_t* codes = s.codes.data();
    for_each_row_block(grad_input.numel(), 1, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i) gx[i] *= codes[i] & kInsideSte ? 1.0f : 0.0f;
    });
  } else {
    combine_values(grad_input, s.input,
                   [&](float gx, float x) { return gx * activation_ste_grad(ste, t, x); });
  }
  const WeightSte wste = options_.weight_ste;
  combine_values(grad_w, weight_.value,
                 [&](float gw, float w) { return gw * weight_ste_grad(wste, w); });

  if (scale_gradient_flows()) {
    // y = K * alpha * (dot * dot_scale + dot_offset): each factor's gradient is dL/dy times
    // the product of the others.
    if (options_.weight_scale != WeightScale::none) {
      const std::vector<double> grad_alpha =
          column_sums(pixels, oc, [&](std::int64_t b, std::int64_t end, double* acc) {
            for (std::int64_t p = b; p < end; ++p)
              for (int o = 0; o < oc; ++o)
                acc[o] += static_cast<double>(grad_output[p * oc + o]) * k_at(p) *
                          (s.dot[p * oc + o] * e.dot_scale + e.dot_offset);
          });
      add_weight_scale_gradient(weight_.value, options_.weight_scale, grad_alpha, grad_w);
    }
    if (xnor) {
      Tensor grad_k(s.k_map.shape());
      for_each_row_block(pixels, oc, [&](std::int64_t b, std::int64_t end) {
        for (std::int64_t p = b; p < end; ++p) {
          double sum = 0.0;
          for (int o = 0; o < oc; ++o)
            sum += static_cast<double>(grad_output[p * oc + o]) *
                   (s.dot[p * oc + o] * e.scale[o] + e.offset[o]);
          grad_k[p] = static_cast<float>(sum);
        }
      });
      xnor_k_map_backward(s.input, g, grad_k, grad_input);
    }
  }
  weight_.grad.add_(grad_w);
  // Backward is the saved input's last use: free it now, not at the next forward.
  state_ = ForwardState{};
  has_state_ = false;
  return grad_input;
}

BackwardPrecision set_binary_backward_precision(Module& root, BackwardPrecision requested) {
  const BackwardPrecision used = usable_backward_precision(requested);
  for (BinaryConv2d* conv : find_modules<BinaryConv2d>(root)) conv->set_backward_precision(used);
  return used;
}

}  // namespace bitnas

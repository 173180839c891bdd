#include "ops/layers/binary_conv_options.hpp"

#include <cmath>
#include <span>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace bitnas {

namespace {

template <typename E>
using NameTable = std::span<const std::pair<const char*, E>>;

// One table per enum serves both directions, so names and parsers cannot drift apart.
constexpr std::pair<const char*, WeightScale> kWeightScales[] = {
    {"none", WeightScale::none}, {"tensor", WeightScale::tensor}, {"channel", WeightScale::channel}};
constexpr std::pair<const char*, ScaleGradient> kScaleGradients[] = {
    {"stop", ScaleGradient::stop}, {"flow", ScaleGradient::flow}};
constexpr std::pair<const char*, ActivationScale> kActivationScales[] = {
    {"none", ActivationScale::none}, {"xnor_k", ActivationScale::xnor_k}};
constexpr std::pair<const char*, ActivationSte> kActivationStes[] = {
    {"ste", ActivationSte::ste}, {"approx_sign", ActivationSte::approx_sign}};
constexpr std::pair<const char*, WeightSte> kWeightStes[] = {
    {"identity", WeightSte::identity}, {"clip", WeightSte::clip}};
constexpr std::pair<const char*, OutputOffset> kOutputOffsets[] = {
    {"none", OutputOffset::none}, {"bmxnet", OutputOffset::bmxnet}};

template <typename E>
const char* name_of(NameTable<E> table, E value) {
  for (const auto& [name, v] : table)
    if (v == value) return name;
  return "?";
}

template <typename E>
E parse_name(NameTable<E> table, const char* knob, const std::string& name) {
  std::string expected;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (name == table[i].first) return table[i].second;
    expected += (i == 0 ? "" : i + 1 == table.size() ? " or " : ", ");
    expected += table[i].first;
  }
  throw std::invalid_argument(std::string("unknown ") + knob + " '" + name + "' (expected " +
                              expected + ")");
}

}  // namespace

const char* to_string(WeightScale v) { return name_of<WeightScale>(kWeightScales, v); }
const char* to_string(ScaleGradient v) { return name_of<ScaleGradient>(kScaleGradients, v); }
const char* to_string(ActivationScale v) { return name_of<ActivationScale>(kActivationScales, v); }
const char* to_string(ActivationSte v) { return name_of<ActivationSte>(kActivationStes, v); }
const char* to_string(WeightSte v) { return name_of<WeightSte>(kWeightStes, v); }
const char* to_string(OutputOffset v) { return name_of<OutputOffset>(kOutputOffsets, v); }

WeightScale parse_weight_scale(const std::string& name) {
  return parse_name<WeightScale>(kWeightScales, "weight scale", name);
}
ScaleGradient parse_scale_gradient(const std::string& name) {
  return parse_name<ScaleGradient>(kScaleGradients, "scale gradient", name);
}
ActivationScale parse_activation_scale(const std::string& name) {
  return parse_name<ActivationScale>(kActivationScales, "activation scale", name);
}
ActivationSte parse_activation_ste(const std::string& name) {
  return parse_name<ActivationSte>(kActivationStes, "activation STE", name);
}
WeightSte parse_weight_ste(const std::string& name) {
  return parse_name<WeightSte>(kWeightStes, "weight STE", name);
}
OutputOffset parse_output_offset(const std::string& name) {
  return parse_name<OutputOffset>(kOutputOffsets, "output offset", name);
}

void BinaryConv2dOptions::validate() const {
  auto require = [this](bool ok, const std::string& what) {
    if (!ok)
      throw std::invalid_argument("binary conv options (" + to_string() + "): " + what);
  };
  require(kernel >= 1, "kernel must be >= 1");
  require(stride >= 1, "stride must be >= 1");
  require(padding >= 0, "padding must be >= 0");
  require(dilation >= 1, "dilation must be >= 1");
  require(groups >= 1, "groups must be >= 1");
  require(std::isfinite(ste_threshold) && ste_threshold > 0.0f,
          "ste_threshold must be a positive finite number");
}

std::string BinaryConv2dOptions::to_string() const {
  std::ostringstream s;
  s << "k=" << kernel << " s=" << stride << " p=" << padding << " d=" << dilation
    << " g=" << groups << " pad=" << bitnas::to_string(pad_mode)
    << " scale=" << bitnas::to_string(weight_scale) << "/" << bitnas::to_string(scale_gradient)
    << " act=" << bitnas::to_string(activation_scale) << " ";
  if (activation_ste == ActivationSte::ste) s << "ste(" << ste_threshold << ")";
  else s << bitnas::to_string(activation_ste);
  s << " w=" << bitnas::to_string(weight_ste) << " offset=" << bitnas::to_string(output_offset);
  return s.str();
}

}  // namespace bitnas

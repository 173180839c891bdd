#include "aw_nas_compat/aw_nas_names.hpp"

#include <map>

#include "search_spaces/op_registry.hpp"

namespace bitnas {

namespace {

// Full-precision aw_nas ops and the binary op of the same shape. BitNAS searches binary
// networks, so a DARTS-style config becomes its binary analogue; the caveat says so.
const std::map<std::string, std::string>& binary_counterparts() {
  static const std::map<std::string, std::string> table = {
      {"sep_conv_3x3", "bconv_3x3"},      {"sep_conv_5x5", "bconv_5x5"},
      {"dil_conv_3x3", "dil_bconv_3x3"},  {"dil_conv_5x5", "dil_bconv_5x5"},
      {"conv_1x1", "bconv_1x1"},          {"conv_3x3", "bconv_3x3"},
      {"nor_conv_1x1", "bconv_1x1"},      {"nor_conv_3x3", "bconv_3x3"},
      {"relu_conv_bn_1x1", "bconv_1x1"},  {"relu_conv_bn_3x3", "bconv_3x3"},
      {"relu_conv_bn_5x5", "bconv_5x5"},  {"resnet_block", "xnor_resnet_block"},
      {"vgg_block", "xnor_vgg_block"},
  };
  return table;
}

}  // namespace

std::optional<OpTranslation> translate_op_name(const std::string& name) {
  if (is_known_op(name)) return OpTranslation{name, ""};
  if (name == "xnor_skip_connect")
    return OpTranslation{"skip_connect",
                         "aw_nas averages 2x2 windows at stride 2, BitNAS's skip_connect 3x3 "
                         "windows; same parameters and costs"};
  const auto it = binary_counterparts().find(name);
  if (it == binary_counterparts().end()) return std::nullopt;
  return OpTranslation{it->second, "full-precision op replaced by its binary counterpart " +
                                       it->second + " (BitNAS searches binary networks)"};
}

std::optional<StemTranslation> translate_stem(const std::vector<std::string>& stem) {
  const auto is = [&](std::initializer_list<const char*> names) {
    if (stem.size() != names.size()) return false;
    std::size_t i = 0;
    for (const char* n : names)
      if (stem[i++] != n) return false;
    return true;
  };
  if (is({"conv_bn_relu_3x3"})) return StemTranslation{"conv_bn_relu_3x3", ""};
  if (is({"imagenet_stem0"})) return StemTranslation{"imagenet_stem0", ""};
  if (is({"imagenet_stem0_7x7", "max_pool_3x3"}))
    return StemTranslation{"imagenet_7x7_maxpool", ""};
  if (is({"conv_bn_3x3"}))
    return StemTranslation{"conv_bn_relu_3x3",
                           "BitNAS has no 3x3 stem without ReLU; conv_bn_relu_3x3 adds one "
                           "(same parameters and costs)"};
  return std::nullopt;
}

int dataset_classes(const std::string& dataset) {
  if (dataset == "cifar10" || dataset == "fashion_mnist") return 10;
  if (dataset == "cifar100") return 100;
  if (dataset == "imagenet") return 1000;
  return 0;
}

}  // namespace bitnas

#include "search_spaces/constant_sign_check.hpp"

#include "ops/core/log.hpp"

#include "search_spaces/binary_conv_unit.hpp"

namespace bitnas {

std::vector<std::string> constant_sign_inputs(Module& model) {
  std::vector<std::string> found;
  visit_modules(model, [&](const std::string& name, Module& m) {
    if (auto* unit = dynamic_cast<BinaryConvUnit*>(&m); unit && unit->sign_input_is_post_relu())
      found.push_back(name.empty() ? unit->type_name() : name);
  });
  return found;
}

void warn_about_constant_signs(Module& model) {
  const std::vector<std::string> found = constant_sign_inputs(model);
  if (found.empty()) return;
  std::string names;
  for (std::size_t i = 0; i < found.size() && i < 3; ++i) names += (i ? ", " : "") + found[i];
  if (found.size() > 3) names += ", ...";
  logger().warn(
      "warning: {} binary conv(s) take sign() of a ReLU output, which is constant +1 (layer order "
      "bn_relu_conv): {}; their binary convs see no information from the input",
      found.size(), names);
}

}  // namespace bitnas

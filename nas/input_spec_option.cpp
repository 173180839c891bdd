#include "nas/input_spec_option.hpp"

#include <charconv>
#include <stdexcept>
#include <vector>

namespace bitnas::cli {

InputSpec parse_input_spec(const std::string& text, InputSpec base) {
  auto fail = [&](const std::string& why) -> void {
    throw std::invalid_argument("--input '" + text + "': " + why +
                                "; expected CxHxW (channels x height x width), e.g. 1x28x28 or "
                                "3x32x32");
  };
  std::vector<int> dims;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('x', start);
    const std::string part = text.substr(start, end == std::string::npos ? end : end - start);
    int value = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size())
      fail("'" + part + "' is not a whole number");
    if (value < 1) fail("sizes must be >= 1");
    dims.push_back(value);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (dims.size() != 3) fail("has " + std::to_string(dims.size()) + " sizes, not 3");
  if (dims[0] > kMaxInputChannels)
    fail("at most " + std::to_string(kMaxInputChannels) + " channels");
  if (dims[1] > kMaxInputSide || dims[2] > kMaxInputSide)
    fail("height and width must be at most " + std::to_string(kMaxInputSide));
  base.channels = dims[0];
  base.height = dims[1];
  base.width = dims[2];
  return base;
}

std::string input_spec_string(const InputSpec& spec) {
  return std::to_string(spec.channels) + "x" + std::to_string(spec.height) + "x" +
         std::to_string(spec.width);
}

}  // namespace bitnas::cli

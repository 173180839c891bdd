#include "evaluators/epoch_history.hpp"

#include <array>
#include <charconv>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace bitnas {

namespace {

using Field = std::optional<double> EpochMetrics::*;
constexpr std::array<Field, 8> kFields = {
    &EpochMetrics::train_loss, &EpochMetrics::train_acc, &EpochMetrics::valid_loss,
    &EpochMetrics::valid_acc,  &EpochMetrics::test_acc,  &EpochMetrics::lr,
    &EpochMetrics::images_per_s, &EpochMetrics::wall_s};

std::string format(double v) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
  return std::string(buffer.data(), result.ptr);
}

double parse(const std::string& token) {
  double v = 0.0;
  const auto result = std::from_chars(token.data(), token.data() + token.size(), v);
  if (result.ec != std::errc() || result.ptr != token.data() + token.size())
    throw std::invalid_argument("epoch history: '" + token + "' is not a number");
  return v;
}

}  // namespace

std::string encode_epoch_history(const std::vector<EpochMetrics>& epochs) {
  std::string text;
  for (const auto& m : epochs) {
    text += std::to_string(m.epoch);
    for (Field f : kFields) text.append(" ").append((m.*f) ? format(*(m.*f)) : "-");
    text += "\n";
  }
  return text;
}

std::vector<EpochMetrics> decode_epoch_history(const std::string& text) {
  std::vector<EpochMetrics> epochs;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::istringstream tokens(line);
    EpochMetrics m;
    std::string token;
    if (!(tokens >> token)) continue;
    m.epoch = static_cast<std::int64_t>(parse(token));
    for (Field f : kFields) {
      if (!(tokens >> token))
        throw std::invalid_argument("epoch history: short line '" + line + "'");
      if (token != "-") m.*f = parse(token);
    }
    epochs.push_back(m);
  }
  return epochs;
}

}  // namespace bitnas

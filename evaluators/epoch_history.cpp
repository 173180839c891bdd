#include "evaluators/epoch_history.hpp"

#include <optional>
#include <sstream>
#include <stdexcept>

#include "evaluators/metrics_csv.hpp"
#include "ops/core/exact_text.hpp"

namespace bitnas {

std::string encode_epoch_history(const std::vector<EpochMetrics>& epochs) {
  std::string text;
  for (const auto& m : epochs) {
    text += std::to_string(m.epoch);
    for (const auto& c : train_metric_columns())
      text.append(" ").append((m.*c.member) ? exact_text(*(m.*c.member)) : "-");
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
    m.epoch = static_cast<std::int64_t>(parse_exact_double(token, "epoch history"));
    for (const auto& c : train_metric_columns()) {
      if (!(tokens >> token))
        throw std::invalid_argument("epoch history: short line '" + line + "'");
      if (token != "-") m.*c.member = parse_exact_double(token, "epoch history");
    }
    epochs.push_back(m);
  }
  return epochs;
}

}  // namespace bitnas

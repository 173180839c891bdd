#include "nas/human_number.hpp"

#include <cmath>
#include <cstdio>

namespace bitnas::cli {

std::string human_number(double value, const std::string& unit) {
  char buffer[32];
  const std::string space = unit.empty() ? "" : " ";
  const double magnitude = std::fabs(value);
  if (magnitude < 1000.0) {
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer + space + unit;
  }
  static constexpr const char* kSuffixes[] = {"K", "M", "G", "T", "P"};
  int k = 0;
  double scaled = value / 1000.0;
  while (std::fabs(scaled) >= 999.5 && k + 1 < 5) {
    scaled /= 1000.0;
    ++k;
  }
  // Three significant digits: 1.82, 18.2, 182.
  const double a = std::fabs(scaled);
  const int decimals = a < 9.995 ? 2 : a < 99.95 ? 1 : 0;
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, scaled);
  return buffer + space + kSuffixes[k] + unit;
}

}  // namespace bitnas::cli

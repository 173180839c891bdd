#pragma once
// Counts for people: three significant digits and an SI suffix ("11.2M", "87.2K", "557M",
// "1.82G"); exact below 1000 ("128", "0.25" for fractional OPs). With a unit, a space goes
// before the prefixed unit: human_number(1.82e9, "BOPs") == "1.82 GBOPs", (128, "B") == "128 B".
#include <string>

namespace bitnas::cli {

std::string human_number(double value, const std::string& unit = "");

}  // namespace bitnas::cli

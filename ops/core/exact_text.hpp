#pragma once
// Numbers as text, one way for the whole code base: doubles in the shortest form that reads
// back to exactly the same value (std::to_chars, independent of locale), integer lists in
// YAML flow style.
#include <string>
#include <vector>

namespace bitnas {

std::string exact_text(double value);
// Inverse of exact_text; throws std::invalid_argument naming `what` for anything else.
double parse_exact_double(const std::string& text, const std::string& what);

// "[1, 2, 3]".
std::string int_list_text(const std::vector<int>& values);

}  // namespace bitnas

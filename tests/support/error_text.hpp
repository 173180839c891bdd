#pragma once
// Reading error messages in tests.
#include <exception>
#include <functional>
#include <string>

namespace bitnas::testing {

// The message of the std::exception `f` throws, or "no error".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace bitnas::testing

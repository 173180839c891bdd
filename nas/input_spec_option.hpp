#pragma once
// The --input CxHxW and --classes options of commands that build a network.
#include <string>

#include "search_spaces/network.hpp"

namespace bitnas::cli {

// Far above real images and heads; larger values are refused before anything is allocated.
inline constexpr int kMaxInputChannels = 64;
inline constexpr int kMaxInputSide = 4'096;
inline constexpr int kMaxClasses = 100'000;

// "3x32x32" -> channels 3, height 32, width 32 (num_classes left as in `base`). Throws
// std::invalid_argument quoting the text and the expected form, or the bound a size exceeds.
InputSpec parse_input_spec(const std::string& text, InputSpec base = {});

// "3x32x32", the form parse_input_spec reads.
std::string input_spec_string(const InputSpec& spec);

}  // namespace bitnas::cli

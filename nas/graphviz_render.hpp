#pragma once
// Renders DOT text with Graphviz's `dot` program, found on PATH.
#include <string>

namespace bitnas::cli {

// Runs `dot -T<format> -o <output_path>` (no shell) and feeds it `dot_text` on stdin. Throws
// std::runtime_error when `dot` is not on PATH (saying to install graphviz or write .dot) or
// when it fails (its own message goes to stderr).
void render_with_graphviz(const std::string& dot_text, const std::string& format,
                          const std::string& output_path);

}  // namespace bitnas::cli

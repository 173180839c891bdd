#pragma once
// Renders DOT text with Graphviz's `dot` program, found on PATH.
#include <optional>
#include <stdexcept>
#include <string>

namespace bitnas::cli {

// The Graphviz program `dot` is not on PATH.
class GraphvizMissing : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs `dot -T<format> -o <output_path>` (no shell) and feeds it `dot_text` on stdin. Throws
// GraphvizMissing when `dot` is not on PATH (saying to install graphviz or write .dot), and
// std::runtime_error when it fails (its own message goes to stderr).
void render_with_graphviz(const std::string& dot_text, const std::string& format,
                          const std::string& output_path);

// `dot_text` rendered as an SVG document, or nullopt when `dot` is not on PATH (callers that
// can do without the drawing say so instead). Throws std::runtime_error when `dot` fails.
std::optional<std::string> render_svg_with_graphviz(const std::string& dot_text);

}  // namespace bitnas::cli

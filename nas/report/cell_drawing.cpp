#include "nas/report/cell_drawing.hpp"

#include <exception>
#include <stdexcept>

#include "nas/graphviz_render.hpp"
#include "nas/search/search_config.hpp"
#include "search_spaces/genotype_dot.hpp"
#include "search_spaces/model_spec.hpp"

namespace bitnas::cli {

namespace {

SearchSpaceConfig space_of_run(const std::string& search_config_text, const std::string& source) {
  try {
    return parse_search_config(search_config_text, source).space;
  } catch (const std::exception&) {
    return default_search_space();  // a config this version cannot read: the usual space
  }
}

// Removes what only a standalone SVG file needs: the XML prolog and DOCTYPE before <svg, and
// the namespace declarations (HTML puts an inline <svg> in the SVG namespace itself), which
// also keeps the page free of URLs.
std::string inline_svg(const std::string& document) {
  const std::size_t start = document.find("<svg");
  if (start == std::string::npos) throw std::runtime_error("Graphviz wrote no <svg> element");
  std::string svg = document.substr(start);
  for (const std::string attribute : {" xmlns=\"", " xmlns:xlink=\""}) {
    const std::size_t at = svg.find(attribute);
    if (at == std::string::npos) continue;
    const std::size_t end = svg.find('"', at + attribute.size());
    if (end != std::string::npos) svg.erase(at, end + 1 - at);
  }
  return svg;
}

}  // namespace

CellDrawing draw_cells(const std::string& canonical, const std::string& search_config_text,
                       const std::string& source) {
  try {
    const ModelSpec spec = model_spec_from_genotype(canonical, space_of_run(search_config_text, source));
    const std::optional<std::string> svg =
        render_svg_with_graphviz(genotype_to_dot(spec.genotype, spec.space, ""));
    if (!svg)
      return {std::nullopt,
              "not drawn: the Graphviz program 'dot' is not on PATH (Debian: apt-get install "
              "graphviz)"};
    return {inline_svg(*svg), ""};
  } catch (const std::exception& e) {
    return {std::nullopt, std::string("not drawn: ") + e.what()};
  }
}

}  // namespace bitnas::cli

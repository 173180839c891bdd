#pragma once
// A genotype's cells drawn for the report: Graphviz's SVG, ready to place inline in HTML, or
// a sentence saying why there is no drawing (Graphviz absent, a genotype the space cannot
// hold). Never throws for those: a report without a picture is still a report.
#include <optional>
#include <string>

namespace bitnas::cli {

struct CellDrawing {
  std::optional<std::string> svg;  // an <svg> element, without XML prolog or DOCTYPE
  std::string note;                // why svg is empty; empty when it is not
};

// `canonical` placed in the search space of `search_config_text` (a search run's recorded
// config), or in the default space when that text does not parse; `source` names the run in
// messages.
CellDrawing draw_cells(const std::string& canonical, const std::string& search_config_text,
                       const std::string& source);

}  // namespace bitnas::cli

#pragma once
// The report as one self-contained HTML page: the stylesheet and the one small script are
// inline, charts are inline SVG, cells are Graphviz's SVG placed inline; nothing is fetched.
// Every text from the database is escaped.
//
// The script only checks the page: once loaded, it counts the charts the browser laid out
// with a non-empty size and writes the count to <body data-charts-rendered="N"> (and a line
// at the end of the page), which the headless-browser test reads back.
#include <string>

#include "nas/report/report_content.hpp"

namespace bitnas::cli {

std::string report_html(const ReportContent& content);

}  // namespace bitnas::cli

#pragma once
// The report's two charts as inline SVG markup (no script needed to draw them): a line chart
// of series over x, and a scatter whose highlighted points are joined by a step line (the
// Pareto front). Linear axes with about five round ticks; labels and tooltips are escaped
// here, so callers pass plain text.
#include <string>
#include <vector>

namespace bitnas::cli {

struct ChartPoint {
  double x = 0.0;
  double y = 0.0;
};

struct LineSeries {
  std::string name;       // legend text
  std::string css_class;  // styles the line (the page's stylesheet)
  std::vector<ChartPoint> points;
};

struct LineChart {
  std::string id;  // data-chart attribute, for the page's tests and script
  std::string title, x_label, y_label;
  std::vector<LineSeries> series;
  bool whole_x = false;  // x counts something (epochs, steps): ticks on whole numbers
};

struct ScatterPoint {
  double x = 0.0;
  double y = 0.0;
  bool highlighted = false;  // drawn as a front point and joined to the others
  std::string tooltip;
};

struct ScatterChart {
  std::string id;
  std::string title, x_label, y_label;
  std::string highlight_name;  // legend text of the highlighted points
  std::vector<ScatterPoint> points;
};

std::string svg_line_chart(const LineChart& chart);
std::string svg_scatter_chart(const ScatterChart& chart);

}  // namespace bitnas::cli

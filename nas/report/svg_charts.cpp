#include "nas/report/svg_charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "nas/human_number.hpp"
#include "nas/report/html_text.hpp"

namespace bitnas::cli {

namespace {

constexpr double kWidth = 640, kHeight = 360;
constexpr double kLeft = 70, kRight = 20, kTop = 40, kBottom = 50;

std::string number(double v, const char* format) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

std::string coordinate(double v) { return number(v, "%.1f"); }

// Large counts (OPs) read better as 2.5M than 2.5e+06.
std::string tick_label(double v) {
  return std::fabs(v) >= 1e4 ? human_number(v) : number(v, "%.4g");
}

// A data range widened to round tick positions, about five ticks.
struct Axis {
  double low = 0.0, high = 1.0, step = 0.2;

  // min_step 1 keeps ticks on whole numbers when the data counts something (epochs).
  static Axis covering(double low, double high, double min_step) {
    if (!(high > low)) {  // one value (or none): a small range around it
      const double pad = low == 0.0 ? 0.5 : std::fabs(low) * 0.1;
      low -= pad;
      high += pad;
    }
    const double raw = (high - low) / 5.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (const double f : {1.0, 2.0, 5.0, 10.0})
      if (f * magnitude >= raw) {
        step = f * magnitude;
        break;
      }
    step = std::max(step, min_step);
    return {std::floor(low / step) * step, std::ceil(high / step) * step, step};
  }

  std::vector<double> ticks() const {
    std::vector<double> out;
    const int count = static_cast<int>(std::lround((high - low) / step));
    for (int i = 0; i <= count; ++i) {
      const double t = low + i * step;  // by index: adding step up would accumulate error
      out.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    }
    return out;
  }
};

// Data coordinates to SVG coordinates inside the margins.
struct Frame {
  Axis x, y;

  double px(double v) const { return kLeft + (v - x.low) / (x.high - x.low) * (kWidth - kLeft - kRight); }
  double py(double v) const {
    return kHeight - kBottom - (v - y.low) / (y.high - y.low) * (kHeight - kTop - kBottom);
  }

  static Frame covering(const std::vector<ChartPoint>& points, double x_min_step) {
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    for (const ChartPoint& p : points) {
      x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
      y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    }
    if (points.empty()) x0 = x1 = y0 = y1 = 0.0;
    return {Axis::covering(x0, x1, x_min_step), Axis::covering(y0, y1, 0.0)};
  }
};

std::string svg_open(const std::string& id, const std::string& title) {
  return "<svg class=\"chart\" data-chart=\"" + html_escape(id) + "\" viewBox=\"0 0 " +
         coordinate(kWidth) + " " + coordinate(kHeight) + "\" width=\"" + coordinate(kWidth) +
         "\" height=\"" + coordinate(kHeight) + "\" role=\"img\">\n<title>" + html_escape(title) +
         "</title>\n<text class=\"chart-title\" x=\"" + coordinate(kLeft) + "\" y=\"20\">" +
         html_escape(title) + "</text>\n";
}

std::string axes(const Frame& f, const std::string& x_label, const std::string& y_label) {
  const double bottom = kHeight - kBottom, right = kWidth - kRight;
  std::string s = "<g class=\"axes\">\n";
  for (const double t : f.x.ticks())
    s += "<line class=\"grid\" x1=\"" + coordinate(f.px(t)) + "\" y1=\"" + coordinate(kTop) +
         "\" x2=\"" + coordinate(f.px(t)) + "\" y2=\"" + coordinate(bottom) + "\"/><text x=\"" +
         coordinate(f.px(t)) + "\" y=\"" + coordinate(bottom + 16) +
         "\" text-anchor=\"middle\">" + html_escape(tick_label(t)) + "</text>\n";
  for (const double t : f.y.ticks())
    s += "<line class=\"grid\" x1=\"" + coordinate(kLeft) + "\" y1=\"" + coordinate(f.py(t)) +
         "\" x2=\"" + coordinate(right) + "\" y2=\"" + coordinate(f.py(t)) + "\"/><text x=\"" +
         coordinate(kLeft - 6) + "\" y=\"" + coordinate(f.py(t) + 4) +
         "\" text-anchor=\"end\">" + html_escape(tick_label(t)) + "</text>\n";
  s += "<rect class=\"plot-area\" x=\"" + coordinate(kLeft) + "\" y=\"" + coordinate(kTop) +
       "\" width=\"" + coordinate(right - kLeft) + "\" height=\"" + coordinate(bottom - kTop) +
       "\"/>\n<text class=\"axis-label\" x=\"" + coordinate((kLeft + right) / 2) + "\" y=\"" +
       coordinate(kHeight - 10) + "\" text-anchor=\"middle\">" + html_escape(x_label) +
       "</text>\n<text class=\"axis-label\" transform=\"translate(16 " +
       coordinate((kTop + bottom) / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
       html_escape(y_label) + "</text>\n</g>\n";
  return s;
}

std::string legend_entry(int position, const std::string& css_class, const std::string& name) {
  const double x = kWidth - kRight - 160, y = 14.0 + 14.0 * position;
  return "<g class=\"legend\"><rect class=\"" + css_class + "\" x=\"" + coordinate(x) + "\" y=\"" +
         coordinate(y - 8) + "\" width=\"10\" height=\"10\"/><text x=\"" + coordinate(x + 14) +
         "\" y=\"" + coordinate(y + 1) + "\">" + html_escape(name) + "</text></g>\n";
}

std::string polyline(const Frame& f, const std::vector<ChartPoint>& points,
                     const std::string& css_class) {
  std::string s = "<polyline class=\"" + css_class + "\" points=\"";
  for (const ChartPoint& p : points) s += coordinate(f.px(p.x)) + "," + coordinate(f.py(p.y)) + " ";
  return s + "\"/>\n";
}

}  // namespace

std::string svg_line_chart(const LineChart& chart) {
  std::vector<ChartPoint> all;
  for (const LineSeries& s : chart.series) all.insert(all.end(), s.points.begin(), s.points.end());
  const Frame f = Frame::covering(all, chart.whole_x ? 1.0 : 0.0);
  std::string svg = svg_open(chart.id, chart.title) + axes(f, chart.x_label, chart.y_label);
  int position = 0;
  for (const LineSeries& s : chart.series) {
    svg += polyline(f, s.points, "series " + s.css_class);
    for (const ChartPoint& p : s.points)
      svg += "<circle class=\"series-point " + s.css_class + "\" cx=\"" + coordinate(f.px(p.x)) +
             "\" cy=\"" + coordinate(f.py(p.y)) + "\" r=\"2.5\"><title>" +
             html_escape(s.name + " at " + number(p.x, "%g") + ": " + number(p.y, "%.4f")) +
             "</title></circle>\n";
    svg += legend_entry(position++, s.css_class, s.name);
  }
  return svg + "</svg>\n";
}

std::string svg_scatter_chart(const ScatterChart& chart) {
  std::vector<ChartPoint> all, front;
  for (const ScatterPoint& p : chart.points) {
    all.push_back({p.x, p.y});
    if (p.highlighted) front.push_back({p.x, p.y});
  }
  const Frame f = Frame::covering(all, 0.0);
  std::string svg = svg_open(chart.id, chart.title) + axes(f, chart.x_label, chart.y_label);
  // The front as a staircase: from each front point the next is at least as costly and better.
  std::sort(front.begin(), front.end(), [](const ChartPoint& a, const ChartPoint& b) { return a.x < b.x; });
  std::vector<ChartPoint> stairs;
  for (const ChartPoint& p : front) {
    if (!stairs.empty()) stairs.push_back({p.x, stairs.back().y});
    stairs.push_back(p);
  }
  svg += polyline(f, stairs, "front-line");
  // Front points last, so they are drawn over the others.
  for (const bool highlighted : {false, true})
    for (const ScatterPoint& p : chart.points)
      if (p.highlighted == highlighted)
        svg += std::string("<circle class=\"") + (highlighted ? "front-point" : "sample-point") +
               "\" cx=\"" + coordinate(f.px(p.x)) + "\" cy=\"" + coordinate(f.py(p.y)) +
               "\" r=\"" + (highlighted ? "4.5" : "3") + "\"><title>" + html_escape(p.tooltip) +
               "</title></circle>\n";
  svg += legend_entry(0, "sample-point", "genotype");
  svg += legend_entry(1, "front-point", chart.highlight_name);
  return svg + "</svg>\n";
}

}  // namespace bitnas::cli

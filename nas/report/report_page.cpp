#include "nas/report/report_page.hpp"

#include <algorithm>
#include <cstdio>

#include "evaluators/pareto_front.hpp"
#include "nas/human_number.hpp"
#include "nas/report/html_text.hpp"
#include "nas/report/svg_charts.hpp"

namespace bitnas::cli {

namespace {

constexpr const char* kStyle = R"css(
body { font-family: sans-serif; margin: 2em; color: #222; max-width: 80em; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.genotype { font-family: monospace; font-size: 0.85em; max-width: 40em; word-break: break-all; }
tr.baseline { background: #f4f4ff; }
.charts { display: flex; flex-wrap: wrap; gap: 1em; }
svg.chart { border: 1px solid #ddd; background: #fff; font-size: 11px; }
svg.chart .chart-title { font-size: 13px; font-weight: bold; }
svg.chart .grid { stroke: #eee; }
svg.chart .plot-area { fill: none; stroke: #999; }
svg.chart .series { fill: none; stroke-width: 2; }
svg.chart .mean { stroke: #1f77b4; fill: #1f77b4; }
svg.chart .best { stroke: #d62728; fill: #d62728; }
svg.chart polyline.mean, svg.chart polyline.best { fill: none; }
svg.chart .sample-point { fill: #9ecae1; stroke: #3182bd; }
svg.chart .front-point { fill: #d62728; stroke: #67000d; }
svg.chart .front-line { fill: none; stroke: #d62728; stroke-dasharray: 4 3; }
figure.cell { margin: 0.5em 0 1.5em; }
figure.cell svg { max-width: 100%; height: auto; }
.note { color: #777; font-style: italic; }
)css";

constexpr const char* kRenderCheck = R"js(
window.addEventListener('load', function () {
  var drawn = 0;
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    var box = svg.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && svg.querySelectorAll('circle').length > 0) drawn++;
  });
  document.body.setAttribute('data-charts-rendered', String(drawn));
  var line = document.getElementById('render-check');
  line.textContent = drawn + ' charts rendered by this browser.';
});
)js";

std::string fraction(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", v);
  return buffer;
}

template <typename T, typename F>
std::string optional_cell(const std::optional<T>& v, F format) {
  return "<td class=\"number\">" + (v ? html_escape(format(*v)) : std::string("-")) + "</td>";
}

std::string text_cell(const std::string& text, const char* css_class = nullptr) {
  return std::string("<td") + (css_class ? std::string(" class=\"") + css_class + "\"" : "") + ">" +
         html_escape(text) + "</td>";
}

std::string count(double v) { return human_number(v); }

std::string mean_sd(double mean, double sd, std::int64_t runs) {
  return runs > 1 ? fraction(mean) + " \xC2\xB1 " + fraction(sd) : fraction(mean);
}

std::string run_heading(const RunOverview& r) {
  std::string s = "<h2 id=\"run-" + std::to_string(r.id) + "\">Search run " + std::to_string(r.id) +
                  ": " + html_escape(r.name) + "</h2>\n<p>Status " + html_escape(to_string(r.status)) +
                  ", started " + html_escape(r.started_at);
  if (r.finished_at) s += ", finished " + html_escape(*r.finished_at);
  return s + ", " + std::to_string(r.epochs) + " epochs recorded.</p>\n";
}

std::string reward_chart(const SearchRunSection& section) {
  const RewardCurve& curve = section.reward_curve;
  if (curve.points.empty()) return "<p class=\"note\">No rewards recorded yet.</p>\n";
  LineSeries mean{"mean reward", "mean", {}}, best{"best reward", "best", {}};
  for (const RewardPoint& p : curve.points) {
    const double at = static_cast<double>(p.at);
    if (p.mean) mean.points.push_back({at, *p.mean});
    if (p.best) best.points.push_back({at, *p.best});
  }
  return svg_line_chart(
      {"reward", "Reward per " + curve.axis, curve.axis, "reward", {mean, best}, true});
}

// on_front[i] for genotypes[i]; genotypes without counted OPs are never on it.
std::vector<bool> front_of(const std::vector<RankedGenotype>& genotypes) {
  std::vector<RewardAndCost> points;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < genotypes.size(); ++i)
    if (genotypes[i].ops && genotypes[i].reward) {
      points.push_back({*genotypes[i].reward, *genotypes[i].ops});
      where.push_back(i);
    }
  const std::vector<bool> on_counted = pareto_front(points);
  std::vector<bool> on_front(genotypes.size(), false);
  for (std::size_t k = 0; k < where.size(); ++k) on_front[where[k]] = on_counted[k];
  return on_front;
}

std::string population_chart(const std::vector<RankedGenotype>& genotypes,
                             const std::vector<bool>& on_front) {
  ScatterChart chart{"population", "Sampled genotypes: best reward vs OPs", "OPs per image",
                     "best reward", "Pareto front", {}};
  std::size_t uncounted = 0;
  for (std::size_t i = 0; i < genotypes.size(); ++i) {
    const RankedGenotype& g = genotypes[i];
    if (!g.ops || !g.reward) {
      ++uncounted;
      continue;
    }
    chart.points.push_back({*g.ops, *g.reward, on_front[i],
                            g.hash + ": reward " + fraction(*g.reward) + ", " +
                                human_number(*g.ops, "OPs") + (on_front[i] ? " (Pareto front)" : "") +
                                "\n" + g.canonical});
  }
  std::string html = chart.points.empty()
                         ? "<p class=\"note\">No sampled genotype has counted OPs.</p>\n"
                         : svg_scatter_chart(chart);
  if (uncounted > 0)
    html += "<p class=\"note\">Genotypes without counted OPs, not plotted: " +
            std::to_string(uncounted) + ".</p>\n";
  return html;
}

std::string top_table(const SearchRunSection& section, const std::vector<bool>& on_front,
                      std::size_t top_k) {
  if (section.genotypes.empty()) return "<p class=\"note\">No genotypes sampled yet.</p>\n";
  std::string s =
      "<h3>Top " + std::to_string(std::min(top_k, section.genotypes.size())) +
      " by reward</h3>\n<table class=\"top\">\n<tr><th>rank</th><th>hash</th><th>best "
      "reward</th><th>params</th><th>OPs</th><th>retrained valid top-1</th><th>retrained test "
      "top-1</th><th>retrains</th><th>Pareto front</th><th>genotype</th></tr>\n";
  for (std::size_t i = 0; i < section.genotypes.size() && i < top_k; ++i) {
    const RankedGenotype& g = section.genotypes[i];
    s += "<tr class=\"top-row\">" + text_cell(std::to_string(g.rank)) + text_cell(g.hash) +
         optional_cell(g.reward, fraction) +
         optional_cell(g.params, [](std::int64_t v) { return count(static_cast<double>(v)); }) +
         optional_cell(g.ops, count) + optional_cell(g.retrained_top1, fraction) +
         optional_cell(g.retrained_test_top1, fraction) + text_cell(std::to_string(g.retrains)) +
         text_cell(on_front[i] ? "yes" : "") + text_cell(g.canonical, "genotype") + "</tr>\n";
  }
  return s + "</table>\n";
}

std::string best_cells(const SearchRunSection& section) {
  std::string s = "<h3>Best cells</h3>\n";
  for (const DrawnGenotype& d : section.best_cells) {
    s += "<figure class=\"cell\"><figcaption>" + html_escape(d.hash) + "</figcaption>\n";
    // Graphviz's own SVG: it escapes the labels it was given.
    s += d.drawing.svg ? *d.drawing.svg
                       : "<p class=\"note cell-missing\">" + html_escape(d.drawing.note) + "</p>\n";
    s += "</figure>\n";
  }
  return s;
}

std::string retrained_rows(const std::vector<RetrainedSummary>& rows, const char* role) {
  std::string s;
  for (const RetrainedSummary& r : rows)
    s += std::string("<tr class=\"") + role + "\">" + text_cell(role) + text_cell(r.names) +
         text_cell(r.hash) + text_cell(std::to_string(r.runs)) +
         text_cell(mean_sd(r.valid_mean, r.valid_sd, r.runs)) +
         text_cell(mean_sd(r.test_mean, r.test_sd, r.runs)) +
         optional_cell(r.params, [](std::int64_t v) { return count(static_cast<double>(v)); }) +
         optional_cell(r.ops, count) + text_cell(r.canonical, "genotype") + "</tr>\n";
  return s;
}

std::string retrained_table(const SearchRunSection& section,
                            const std::vector<RetrainedSummary>& baselines) {
  std::string s = "<h3>Retrained, beside the baselines</h3>\n";
  if (section.retrained.empty() && baselines.empty())
    return s + "<p class=\"note\">No finished train run of these genotypes or of a baseline.</p>\n";
  s += "<table class=\"retrained\">\n<tr><th></th><th>runs</th><th>hash</th><th>seeds</th>"
       "<th>valid top-1 (mean \xC2\xB1 sd)</th><th>test top-1 (mean \xC2\xB1 sd)</th>"
       "<th>params</th><th>OPs</th><th>genotype</th></tr>\n";
  return s + retrained_rows(section.retrained, "searched") + retrained_rows(baselines, "baseline") +
         "</table>\n";
}

std::string run_section(const SearchRunSection& section, const std::vector<RetrainedSummary>& baselines,
                        std::size_t top_k) {
  const std::vector<bool> on_front = front_of(section.genotypes);
  return "<section class=\"run\">\n" + run_heading(section.run) + "<div class=\"charts\">\n" +
         reward_chart(section) + population_chart(section.genotypes, on_front) + "</div>\n" +
         top_table(section, on_front, top_k) + best_cells(section) +
         retrained_table(section, baselines) + "</section>\n";
}

}  // namespace

std::string report_html(const ReportContent& content) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>BitNAS "
      "report: " + html_escape(content.database) + "</title>\n<style>" + kStyle +
      "</style>\n</head>\n<body>\n<h1>BitNAS search report</h1>\n<p>Results database <code>" +
      html_escape(content.database) + "</code>, " + std::to_string(content.runs.size()) +
      " search runs.</p>\n<ul>\n";
  for (const SearchRunSection& s : content.runs)
    html += "<li><a href=\"#run-" + std::to_string(s.run.id) + "\">run " + std::to_string(s.run.id) +
            ": " + html_escape(s.run.name) + "</a></li>\n";
  html += "</ul>\n";
  for (const SearchRunSection& s : content.runs) html += run_section(s, content.baselines, content.top_k);
  return html + "<p id=\"render-check\" class=\"note\"></p>\n<script>" + kRenderCheck +
         "</script>\n</body>\n</html>\n";
}

}  // namespace bitnas::cli

#include "nas/table_output.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>

#include "nas/human_number.hpp"

namespace bitnas::cli {
namespace {

constexpr std::string_view kCrlf = "\r\n";

bool is_number(const Cell& cell) {
  return std::holds_alternative<std::int64_t>(cell) || std::holds_alternative<double>(cell);
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// A line break inside a cell would break the table's rows: shown as \\n (and \\r, \\t).
std::string escape_controls(const std::string& text) {
  if (text.find_first_of("\n\r\t") == std::string::npos) return text;
  std::string out;
  for (char c : text) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else
      out += c;
  }
  return out;
}

void write_csv_row(std::ostream& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << csv_field(fields[i]);
  out << kCrlf;
}

void write_csv(std::ostream& out, const Table& table) {
  std::vector<std::string> fields;
  for (const Column& c : table.columns) fields.push_back(c.name);
  write_csv_row(out, fields);
  for (const auto& row : table.rows) {
    fields.clear();
    for (const Cell& cell : row) fields.push_back(exact_text(cell));
    write_csv_row(out, fields);
  }
}

nlohmann::ordered_json cell_json(const Cell& cell) {
  if (const auto* i = std::get_if<std::int64_t>(&cell)) return *i;
  if (const auto* d = std::get_if<double>(&cell)) {
    if (!std::isfinite(*d)) return nullptr;  // JSON has no NaN or infinity
    return *d;
  }
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  return nullptr;
}

nlohmann::ordered_json row_json(const Table& table, const std::vector<Cell>& row) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < table.columns.size(); ++i)
    object[table.columns[i].name] = cell_json(row[i]);
  return object;
}

void write_markdown(std::ostream& out, const Table& table) {
  const auto escaped = [](std::string text) {
    std::string out;
    for (char c : text) {
      if (c == '|') out += '\\';
      out += c == '\n' ? ' ' : c;
    }
    return out;
  };
  out << "|";
  for (const Column& c : table.columns) out << " " << escaped(c.name) << " |";
  out << "\n|";
  for (const Column& c : table.columns) out << (c.style == CellStyle::text ? "---|" : "---:|");
  out << "\n";
  for (const auto& row : table.rows) {
    out << "|";
    for (std::size_t i = 0; i < row.size(); ++i)
      out << " " << escaped(display_text(row[i], table.columns[i].style)) << " |";
    out << "\n";
  }
}

void write_text(std::ostream& out, const Table& table) {
  const std::size_t n = table.columns.size();
  std::vector<std::vector<std::string>> shown;
  std::vector<std::size_t> width(n);
  // A column is right-aligned when every value in it is a number.
  std::vector<bool> numeric(n, true);
  for (std::size_t i = 0; i < n; ++i) width[i] = table.columns[i].name.size();
  for (const auto& row : table.rows) {
    std::vector<std::string> line;
    for (std::size_t i = 0; i < n; ++i) {
      line.push_back(display_text(row[i], table.columns[i].style));
      width[i] = std::max(width[i], line.back().size());
      if (!is_number(row[i]) && !std::holds_alternative<std::monostate>(row[i]))
        numeric[i] = false;
    }
    shown.push_back(std::move(line));
  }
  auto write_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t pad = width[i] - cells[i].size();
      const bool right = numeric[i] && !table.rows.empty();
      if (i) line += "  ";
      if (right) line.append(pad, ' ');
      line += cells[i];
      if (!right && i + 1 < n) line.append(pad, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << "\n";
  };
  std::vector<std::string> names, rules;
  for (std::size_t i = 0; i < n; ++i) {
    names.push_back(table.columns[i].name);
    rules.push_back(std::string(width[i], '-'));
  }
  write_line(names);
  write_line(rules);
  for (const auto& line : shown) write_line(line);
  if (table.rows.empty()) out << "(no rows)\n";
}

void check_summary(const Table& summary) {
  if (summary.rows.size() != 1)
    throw std::invalid_argument("write_report: the summary has " +
                                std::to_string(summary.rows.size()) + " rows, not 1");
}

}  // namespace

OutputFormat parse_output_format(std::string_view text) {
  if (text == "table") return OutputFormat::table;
  if (text == "csv") return OutputFormat::csv;
  if (text == "json") return OutputFormat::json;
  if (text == "markdown") return OutputFormat::markdown;
  throw std::invalid_argument("unknown output format '" + std::string(text) +
                              "' (expected table, csv, json or markdown)");
}

void Table::add_row(std::vector<Cell> row) {
  if (row.size() != columns.size())
    throw std::invalid_argument("Table::add_row: " + std::to_string(row.size()) +
                                " cells for " + std::to_string(columns.size()) + " columns");
  rows.push_back(std::move(row));
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string exact_text(const Cell& cell) {
  if (const auto* i = std::get_if<std::int64_t>(&cell)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&cell)) {
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, *d).ptr;
    return std::string(buffer, end);
  }
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  return "";
}

std::string display_text(const Cell& cell, CellStyle style) {
  if (std::holds_alternative<std::monostate>(cell)) return "-";
  if (const auto* s = std::get_if<std::string>(&cell)) return escape_controls(*s);
  const double value = std::holds_alternative<double>(cell)
                           ? std::get<double>(cell)
                           : static_cast<double>(std::get<std::int64_t>(cell));
  switch (style) {
    case CellStyle::fraction: return fixed(value, 4);
    case CellStyle::count: return human_number(value);
    case CellStyle::seconds: return fixed(value, 1);
    case CellStyle::real: {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.6g", value);
      return buffer;
    }
    case CellStyle::text:
    case CellStyle::integer: break;
  }
  return exact_text(cell);
}

nlohmann::ordered_json to_json(const Table& table) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const auto& row : table.rows) array.push_back(row_json(table, row));
  return array;
}

void write_table(std::ostream& out, const Table& table, OutputFormat format) {
  switch (format) {
    case OutputFormat::table: write_text(out, table); return;
    case OutputFormat::csv: write_csv(out, table); return;
    case OutputFormat::json: out << to_json(table).dump() << "\n"; return;
    case OutputFormat::markdown: write_markdown(out, table); return;
  }
}

void write_report(std::ostream& out, const Table& summary, std::string_view rows_name,
                  const Table& rows, OutputFormat format) {
  check_summary(summary);
  const std::vector<Cell>& record = summary.rows.front();
  switch (format) {
    case OutputFormat::table: {
      std::size_t width = 0;
      for (const Column& c : summary.columns) width = std::max(width, c.name.size());
      for (std::size_t i = 0; i < summary.columns.size(); ++i) {
        const Column& c = summary.columns[i];
        out << c.name << std::string(width + 2 - c.name.size(), ' ')
            << display_text(record[i], c.style) << "\n";
      }
      out << "\n";
      write_text(out, rows);
      return;
    }
    case OutputFormat::csv:
      write_csv(out, summary);
      out << kCrlf;
      write_csv(out, rows);
      return;
    case OutputFormat::markdown: {
      Table fields;
      fields.columns = {{"field"}, {"value"}};
      for (std::size_t i = 0; i < summary.columns.size(); ++i)
        fields.add_row({summary.columns[i].name, display_text(record[i], summary.columns[i].style)});
      write_markdown(out, fields);
      out << "\n";
      write_markdown(out, rows);
      return;
    }
    case OutputFormat::json: {
      nlohmann::ordered_json object = row_json(summary, record);
      object[std::string(rows_name)] = to_json(rows);
      out << object.dump() << "\n";
      return;
    }
  }
}

}  // namespace bitnas::cli

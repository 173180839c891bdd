#pragma once
// The one output formatter of the subcommands that print rows (`bitnas query ...`): a Table of
// typed cells written as
// - table: aligned text for people; numbers right-aligned, text left-aligned, a missing value
//   is "-", the last column unpadded; fractions with 4 decimals, counts as human_number; a
//   line break or tab inside text is shown as \n, \r, \t;
// - csv: RFC 4180 (CRLF line ends; a field with a comma, quote, CR or LF is quoted and its
//   quotes doubled), a header row, numbers exact (shortest round-trip), a missing value empty;
// - json: an array of objects, one per row, keyed by column name; numbers exact, a missing
//   value null;
// - markdown: a GitHub-flavoured pipe table with the table format's numbers (generated
//   reports such as docs/RESULTS.md); '|' in text is escaped, numeric columns right-aligned.
// A report (write_report) is a one-row summary followed by a table of rows: the summary is
// "name  value" lines above the table, a one-row CSV table and a blank line before the rows'
// CSV table, or one JSON object holding the summary fields and the rows array.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace bitnas::cli {

enum class OutputFormat { table, csv, json, markdown };

// "table", "csv", "json" or "markdown"; throws std::invalid_argument otherwise.
OutputFormat parse_output_format(std::string_view text);

// How the table format shows a column's numbers (csv and json are always exact).
enum class CellStyle {
  text,      // as is
  integer,   // 42
  fraction,  // 4 decimals: accuracies, rewards, tau (0.8734)
  count,     // human_number: parameters, OPs, bytes (11.2M)
  seconds,   // 1 decimal (123.4)
  real,      // 6 significant digits (3, 0.5, 1.23457): values of mixed metrics
};

struct Column {
  std::string name;
  CellStyle style = CellStyle::text;
};

// A missing value, an integer, a real or text.
using Cell = std::variant<std::monostate, std::int64_t, double, std::string>;

template <typename T>
Cell optional_cell(const std::optional<T>& value) {
  if (!value) return std::monostate{};
  if constexpr (std::is_integral_v<T>)
    return static_cast<std::int64_t>(*value);
  else
    return Cell(*value);
}

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;

  // Throws std::invalid_argument unless the row has one cell per column.
  void add_row(std::vector<Cell> row);
};

// One CSV field: quoted when it holds a comma, quote, CR or LF, quotes doubled.
std::string csv_field(std::string_view text);
// A cell as the csv and json formats spell a number: "42", "0.1", "1e+300"; "" when missing.
std::string exact_text(const Cell& cell);
// A cell as the table format shows it in a column of `style`.
std::string display_text(const Cell& cell, CellStyle style);

// An array of objects, keys in column order.
nlohmann::ordered_json to_json(const Table& table);

void write_table(std::ostream& out, const Table& table, OutputFormat format);
// `summary` must have exactly one row; `rows_name` keys the rows in the json object.
void write_report(std::ostream& out, const Table& summary, std::string_view rows_name,
                  const Table& rows, OutputFormat format);

}  // namespace bitnas::cli

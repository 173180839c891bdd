// The one row formatter of `bitnas query`: aligned text, RFC 4180 CSV and JSON, for tables and
// for reports (a one-row summary and a table).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "nas/table_output.hpp"

namespace bitnas::cli {
namespace {

std::string written(const Table& table, OutputFormat format) {
  std::ostringstream out;
  write_table(out, table, format);
  return out.str();
}

// name, score (fraction), params (count), note: with a missing value, a comma, quotes and a
// line break in the text.
Table sample_table() {
  Table t;
  t.columns = {{"name"},
               {"score", CellStyle::fraction},
               {"params", CellStyle::count},
               {"note"}};
  t.add_row({Cell(std::string("plain")), Cell(0.1), Cell(std::int64_t{1234567}),
             Cell(std::string("ok"))});
  t.add_row({Cell(std::string("with, comma")), Cell(std::monostate{}), Cell(std::int64_t{12}),
             Cell(std::string("say \"hi\"\nbye"))});
  return t;
}

TEST(TableOutputCsv, FieldsAreQuotedOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("abc"), "abc");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field("('conv', 0, 2)"), "\"('conv', 0, 2)\"");
}

TEST(TableOutputCsv, HeaderRowsExactNumbersAndEmptyForMissing) {
  EXPECT_EQ(written(sample_table(), OutputFormat::csv),
            "name,score,params,note\r\n"
            "plain,0.1,1234567,ok\r\n"
            "\"with, comma\",,12,\"say \"\"hi\"\"\nbye\"\r\n");
}

TEST(TableOutputCsv, NumbersRoundTrip) {
  EXPECT_EQ(exact_text(Cell(0.8125)), "0.8125");
  EXPECT_EQ(exact_text(Cell(1.0 / 3.0)), "0.3333333333333333");
  EXPECT_EQ(std::stod(exact_text(Cell(1.0 / 3.0))), 1.0 / 3.0);
  EXPECT_EQ(exact_text(Cell(std::int64_t{-42})), "-42");
  EXPECT_EQ(exact_text(Cell(std::monostate{})), "");
}

TEST(TableOutputJson, ArrayOfObjectsInColumnOrderWithNullForMissing) {
  const std::string text = written(sample_table(), OutputFormat::json);
  const nlohmann::json parsed = nlohmann::json::parse(text);
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["name"], "plain");
  EXPECT_EQ(parsed[0]["score"].get<double>(), 0.1);
  EXPECT_TRUE(parsed[0]["params"].is_number_integer());
  EXPECT_EQ(parsed[0]["params"].get<std::int64_t>(), 1234567);
  EXPECT_EQ(parsed[1]["name"], "with, comma");
  EXPECT_TRUE(parsed[1]["score"].is_null());
  EXPECT_EQ(parsed[1]["note"], "say \"hi\"\nbye");
  // Keys in column order, not sorted.
  EXPECT_EQ(text.rfind("[{\"name\":\"plain\",\"score\":0.1,\"params\":1234567,\"note\":\"ok\"}", 0),
            0u)
      << text;
}

TEST(TableOutputJson, NonFiniteNumbersAreNull) {
  Table t;
  t.columns = {{"x", CellStyle::fraction}};
  t.add_row({Cell(std::numeric_limits<double>::quiet_NaN())});
  t.add_row({Cell(std::numeric_limits<double>::infinity())});
  const nlohmann::json parsed = nlohmann::json::parse(written(t, OutputFormat::json));
  EXPECT_TRUE(parsed[0]["x"].is_null());
  EXPECT_TRUE(parsed[1]["x"].is_null());
}

TEST(TableOutputText, AlignedColumnsWithStylesAndDashForMissing) {
  // Text left, numbers right; fractions with 4 decimals, counts as human_number; the last
  // column is not padded (no trailing spaces); a line break in text is shown as \n.
  EXPECT_EQ(written(sample_table(), OutputFormat::table),
            "name          score  params  note\n"
            "-----------  ------  ------  -------------\n"
            "plain        0.1000   1.23M  ok\n"
            "with, comma       -      12  say \"hi\"\\nbye\n");
}

TEST(TableOutputText, SecondsIntegersAndReals) {
  Table t;
  t.columns = {{"run", CellStyle::integer},
               {"wall_s", CellStyle::seconds},
               {"value", CellStyle::real}};
  t.add_row({Cell(std::int64_t{7}), Cell(123.456), Cell(3.0)});
  t.add_row({Cell(std::int64_t{12}), Cell(5.0), Cell(1.0 / 3.0)});
  EXPECT_EQ(written(t, OutputFormat::table),
            "run  wall_s     value\n"
            "---  ------  --------\n"
            "  7   123.5         3\n"
            " 12     5.0  0.333333\n");
}

TEST(TableOutput, EmptyTables) {
  Table t;
  t.columns = {{"id", CellStyle::integer}, {"name"}};
  EXPECT_EQ(written(t, OutputFormat::table), "id  name\n--  ----\n(no rows)\n");
  EXPECT_EQ(written(t, OutputFormat::csv), "id,name\r\n");
  EXPECT_EQ(written(t, OutputFormat::json), "[]\n");
}

TEST(TableOutput, RowsMustMatchTheColumns) {
  Table t;
  t.columns = {{"a"}, {"b"}};
  EXPECT_THROW(t.add_row({Cell(std::string("only one"))}), std::invalid_argument);
  EXPECT_TRUE(t.rows.empty());
}

TEST(TableOutput, ParsesFormatNames) {
  EXPECT_EQ(parse_output_format("table"), OutputFormat::table);
  EXPECT_EQ(parse_output_format("csv"), OutputFormat::csv);
  EXPECT_EQ(parse_output_format("json"), OutputFormat::json);
  EXPECT_THROW(parse_output_format("xml"), std::invalid_argument);
}

Table summary_table() {
  Table s;
  s.columns = {{"run", CellStyle::integer}, {"tau_b", CellStyle::fraction}, {"note"}};
  s.add_row({Cell(std::int64_t{3}), Cell(0.5), Cell(std::monostate{})});
  return s;
}

Table pair_table() {
  Table t;
  t.columns = {{"hash"}, {"reward", CellStyle::fraction}};
  t.add_row({Cell(std::string("aaaa")), Cell(0.75)});
  return t;
}

std::string report(OutputFormat format) {
  std::ostringstream out;
  write_report(out, summary_table(), "pairs", pair_table(), format);
  return out.str();
}

TEST(TableOutputReport, TextShowsTheSummaryAsNameValueLinesAboveTheTable) {
  EXPECT_EQ(report(OutputFormat::table),
            "run    3\n"
            "tau_b  0.5000\n"
            "note   -\n"
            "\n"
            "hash  reward\n"
            "----  ------\n"
            "aaaa  0.7500\n");
}

TEST(TableOutputReport, CsvIsTwoTablesSeparatedByABlankLine) {
  EXPECT_EQ(report(OutputFormat::csv),
            "run,tau_b,note\r\n3,0.5,\r\n\r\nhash,reward\r\naaaa,0.75\r\n");
}

TEST(TableOutputReport, JsonIsOneObjectWithTheRowsArray) {
  const nlohmann::json parsed = nlohmann::json::parse(report(OutputFormat::json));
  ASSERT_TRUE(parsed.is_object());
  EXPECT_EQ(parsed["run"], 3);
  EXPECT_EQ(parsed["tau_b"].get<double>(), 0.5);
  EXPECT_TRUE(parsed["note"].is_null());
  ASSERT_TRUE(parsed["pairs"].is_array());
  ASSERT_EQ(parsed["pairs"].size(), 1u);
  EXPECT_EQ(parsed["pairs"][0]["hash"], "aaaa");
}

TEST(TableOutputReport, SummaryMustBeOneRow) {
  Table two = summary_table();
  two.add_row(two.rows.front());
  std::ostringstream out;
  EXPECT_THROW(write_report(out, two, "pairs", pair_table(), OutputFormat::json),
               std::invalid_argument);
}

}  // namespace
}  // namespace bitnas::cli

#include "search_spaces/genotype_parser.hpp"

#include <charconv>
#include <cstdio>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace bitnas {

namespace {

std::string parse_error_message(std::size_t position, int line, int column,
                                const std::string& expected, const std::string& found,
                                const std::string& note) {
  std::string msg = "genotype: at position " + std::to_string(position) + " (line " +
                    std::to_string(line) + ", column " + std::to_string(column) + "): expected " +
                    expected + " but found " + found;
  if (!note.empty()) msg += "; " + note;
  return msg;
}

}  // namespace

GenotypeParseError::GenotypeParseError(std::size_t position, int line, int column,
                                       std::string expected, std::string found,
                                       const std::string& note)
    : std::invalid_argument(parse_error_message(position, line, column, expected, found, note)),
      position_(position),
      line_(line),
      column_(column),
      expected_(std::move(expected)),
      found_(std::move(found)) {}

namespace {

// Expectation texts shared by several rules (tests assert them verbatim).
constexpr const char* kStart = "a field name or a wrapper such as 'CNNGenotype('";
constexpr const char* kFieldName = "a field name like normal_0, reduce_1 or normal_0_concat";
constexpr const char* kEdge = "an edge ('op', from, to)";
constexpr const char* kNode = "a node index";
constexpr const char* kOpName = "a quoted op name";
// Longest excerpt of the input quoted in a message.
constexpr std::size_t kMaxExcerpt = 30;

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string quoted(const std::string& s) { return "'" + s + "'"; }
std::string quoted(char c) { return quoted(std::string(1, c)); }

struct FieldName {
  CellKind kind = CellKind::normal;
  int group = 0;
  bool concat = false;

  std::string edges_field() const {
    return CellGenotype{kind, group, {}, std::nullopt}.field_name();
  }
};

// "normal_3" / "reduce_0_concat" -> FieldName; anything else (including leading zeros in the
// group, which Python rejects in integers too) -> nullopt.
std::optional<FieldName> parse_field_name(std::string_view s) {
  FieldName f;
  if (s.starts_with("normal_")) {
    f.kind = CellKind::normal;
  } else if (s.starts_with("reduce_")) {
    f.kind = CellKind::reduce;
  } else {
    return std::nullopt;
  }
  s.remove_prefix(7);
  if (s.ends_with("_concat")) {
    f.concat = true;
    s.remove_suffix(7);
  }
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  for (char c : s)
    if (!is_digit(c)) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), f.group);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return f;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Genotype parse() {
    skip_ws();
    if (!is_ident_start(peek())) fail(pos_, kStart);
    const std::size_t start = pos_;
    const std::string_view ident = read_identifier();
    skip_ws();
    if (parse_field_name(ident) || peek() == '=') {
      // A bare field list: re-read the identifier as the first field's name.
      pos_ = start;
      parse_fields(false);
    } else {
      if (peek() != '(') fail(pos_, "'('");
      ++pos_;
      parse_fields(true);
      skip_ws();
      if (!at_end()) fail(pos_, "end of input");
    }
    attach_concats();
    Genotype genotype;
    for (auto& [group, cell] : cells_) genotype.cells.push_back(std::move(cell.cell));
    return genotype;
  }

 private:
  struct ParsedCell {
    CellGenotype cell;
    std::size_t position;
  };
  struct ParsedConcat {
    FieldName name;
    std::size_t position;
    std::vector<int> nodes;
  };
  struct Node {
    int value;
    std::size_t position;
  };

  bool at_end() const { return pos_ >= text_.size(); }
  // '\0' at the end of input; never equal to a character the grammar expects.
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_ws() {
    while (!at_end() && is_space(text_[pos_])) ++pos_;
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c) fail(pos_, quoted(c));
    ++pos_;
  }
  std::string_view read_identifier() {
    const std::size_t start = pos_;
    while (!at_end() && is_ident_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  std::pair<int, int> line_column(std::size_t pos) const {
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < pos && i < text_.size(); ++i)
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    return {line, static_cast<int>(pos - line_start) + 1};
  }
  std::string where(std::size_t pos) const {
    const auto [line, column] = line_column(pos);
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
  }

  // The token at `pos` as a message shows it: a word, number or string literal whole, other
  // characters one at a time.
  std::string describe(std::size_t pos) const {
    if (pos >= text_.size()) return "end of input";
    const char c = text_[pos];
    std::size_t end = pos;
    if (c == '\'' || c == '"') {
      end = pos + 1;
      while (end < text_.size() && text_[end] != c && text_[end] != '\n') ++end;
      if (end < text_.size() && text_[end] == c) ++end;
      return excerpt(pos, end);  // already carries its quotes
    }
    if (is_ident_char(c) || c == '-' || c == '.') {
      end = pos + 1;
      while (end < text_.size() && (is_ident_char(text_[end]) || text_[end] == '.')) ++end;
      return quoted(excerpt(pos, end));
    }
    return describe_char(pos);
  }
  // The single character at `pos`, for errors inside a token.
  std::string describe_char(std::size_t pos) const {
    if (pos >= text_.size()) return "end of input";
    const char c = text_[pos];
    if (c == '\n' || c == '\r') return "a line break";
    if (c == '\t') return "a tab";
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "byte 0x%02x", static_cast<unsigned char>(c));
      return buf;
    }
    return quoted(c);
  }
  std::string excerpt(std::size_t begin, std::size_t end) const {
    if (end - begin <= kMaxExcerpt) return std::string(text_.substr(begin, end - begin));
    return std::string(text_.substr(begin, kMaxExcerpt)) + "...";
  }

  [[noreturn]] void fail(std::size_t pos, const std::string& expected,
                         const std::string& note = {}) const {
    fail_found(pos, expected, describe(pos), note);
  }
  [[noreturn]] void fail_found(std::size_t pos, const std::string& expected,
                               const std::string& found, const std::string& note) const {
    const auto [line, column] = line_column(pos);
    throw GenotypeParseError(pos, line, column, expected, found, note);
  }

  // fields := field (',' field)* [','], closed by ')' (wrapped) or the end of input.
  void parse_fields(bool wrapped) {
    const auto at_close = [&] { return wrapped ? peek() == ')' : at_end(); };
    for (;;) {
      parse_field();
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        skip_ws();
        if (at_close()) break;
        continue;
      }
      if (at_close()) break;
      fail(pos_, wrapped ? "',' or ')'" : "',' or end of input");
    }
    if (wrapped) ++pos_;
  }

  void parse_field() {
    skip_ws();
    const std::size_t start = pos_;
    if (!is_ident_start(peek())) fail(pos_, kFieldName);
    const std::optional<FieldName> name = parse_field_name(read_identifier());
    if (!name) fail(start, kFieldName);
    expect('=');
    if (name->concat) {
      parse_concat_field(*name, start);
    } else {
      parse_edges_field(*name, start);
    }
  }

  void parse_edges_field(const FieldName& name, std::size_t start) {
    if (const auto it = cells_.find(name.group); it != cells_.end()) {
      std::string note = "group " + std::to_string(name.group) + " is already defined by " +
                         it->second.cell.field_name() + " at " + where(it->second.position);
      if (it->second.cell.kind != name.kind) note += "; a group is either normal or reduce";
      fail(start, "a new group", note);
    }
    ParsedCell parsed{CellGenotype{name.kind, name.group, {}, std::nullopt}, start};
    parse_list(kEdge, [&] { parsed.cell.edges.push_back(parse_edge()); });
    cells_.emplace(name.group, std::move(parsed));
  }

  void parse_concat_field(const FieldName& name, std::size_t start) {
    for (const ParsedConcat& c : concats_)
      if (c.name.group == name.group)
        fail(start, "a concat field not given before",
             "group " + std::to_string(name.group) + " already has " + c.name.edges_field() +
                 "_concat at " + where(c.position));
    ParsedConcat parsed{name, start, {}};
    parse_list(kNode, [&] {
      const Node node = parse_node();
      for (int seen : parsed.nodes)
        if (seen == node.value) fail(node.position, "a node not listed before");
      parsed.nodes.push_back(node.value);
    });
    concats_.push_back(std::move(parsed));
  }

  // A concat field may precede its edges field, so they are matched once all are read.
  void attach_concats() {
    for (const ParsedConcat& c : concats_) {
      const auto it = cells_.find(c.name.group);
      if (it == cells_.end())
        fail(c.position, "a concat field for a group with edges",
             "no field " + c.name.edges_field() + " gives the edges of group " +
                 std::to_string(c.name.group));
      CellGenotype& cell = it->second.cell;
      if (cell.kind != c.name.kind)
        fail(c.position, quoted(cell.field_name() + "_concat"),
             "group " + std::to_string(cell.group) + " is defined by " + cell.field_name() +
                 " at " + where(it->second.position));
      cell.concat = c.nodes;
    }
  }

  // list := '[' item (',' item)* [','] ']' | '(' ... ')'. Python tuple rules: a parenthesised
  // single item without a trailing comma is not a tuple, so it is refused rather than guessed.
  template <class ParseItem>
  void parse_list(const char* item_expected, ParseItem&& parse_item) {
    skip_ws();
    const char open = peek();
    if (open != '[' && open != '(') fail(pos_, "'[' or '('");
    const char close = open == '[' ? ']' : ')';
    ++pos_;
    skip_ws();
    if (peek() == close) fail(pos_, item_expected);  // an empty list defines nothing
    for (int count = 1;; ++count) {
      parse_item();
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        skip_ws();
        if (peek() == close) break;
        continue;
      }
      if (peek() == close) {
        if (open == '(' && count == 1)
          fail(pos_, "','", "a one-element tuple needs a trailing comma, as in (2,)");
        break;
      }
      fail(pos_, "',' or " + quoted(close));
    }
    ++pos_;
  }

  // edge := ('(' | '[') STRING ',' INT ',' INT [','] (')' | ']')
  GenotypeEdge parse_edge() {
    skip_ws();
    const char open = peek();
    if (open != '(' && open != '[') fail(pos_, kEdge);
    const char close = open == '(' ? ')' : ']';
    ++pos_;
    GenotypeEdge edge;
    edge.op = parse_op_name();
    expect(',');
    const Node from = parse_node();
    expect(',');
    const Node to = parse_node();
    if (to.value <= from.value)
      fail(to.position, "a to-node greater than the from-node " + std::to_string(from.value));
    edge.from = from.value;
    edge.to = to.value;
    skip_ws();
    if (peek() == ',') {
      ++pos_;
      skip_ws();
      if (peek() != close)
        fail(pos_, quoted(close), "an edge has exactly three entries ('op', from, to)");
    } else if (peek() != close) {
      fail(pos_, "',' or " + quoted(close));
    }
    ++pos_;
    return edge;
  }

  std::string parse_op_name() {
    skip_ws();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail(pos_, kOpName);
    const std::size_t start = pos_++;
    while (!at_end() && text_[pos_] != quote) {
      if (!is_op_name_char(text_[pos_]))
        fail_found(pos_, std::string("a closing ") + quote, describe_char(pos_), kOpNameCharsRule);
      ++pos_;
    }
    if (at_end()) fail(pos_, std::string("a closing ") + quote);
    ++pos_;
    if (pos_ - start == 2) fail(start, kOpName, "the op name is empty");
    return std::string(text_.substr(start + 1, pos_ - start - 2));
  }

  // A decimal integer as Python writes it: optional '-', no leading zeros. The whole word is
  // taken so "2a" or "3.5" is reported as one bad token.
  Node parse_node() {
    skip_ws();
    const std::size_t start = pos_;
    std::size_t digits = start;
    if (digits < text_.size() && text_[digits] == '-') ++digits;
    std::size_t end = digits;
    while (end < text_.size() && (is_ident_char(text_[end]) || text_[end] == '.')) ++end;
    if (end == digits) fail(start, kNode);
    for (std::size_t i = digits; i < end; ++i)
      if (!is_digit(text_[i])) fail(start, kNode);
    if (end - digits > 1 && text_[digits] == '0') fail(start, "an integer without leading zeros");
    int value = 0;
    const auto [ptr, ec] = std::from_chars(text_.data() + start, text_.data() + end, value);
    if (ec != std::errc() || ptr != text_.data() + end)
      fail(start, "a node index that fits in 32 bits");
    if (value < 0) fail(start, "a non-negative node index");
    pos_ = end;
    return {value, start};
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::map<int, ParsedCell> cells_;  // by group, so the genotype comes out sorted
  std::vector<ParsedConcat> concats_;
};

}  // namespace

Genotype parse_genotype(std::string_view text) { return Parser(text).parse(); }

}  // namespace bitnas

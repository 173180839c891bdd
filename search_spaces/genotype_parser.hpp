#pragma once
// Reads genotype strings as aw_nas prints them, e.g.
//   CNNGenotype(normal_0=[('xnor_conv_3x3', 0, 2), ('skip_connect', 1, 2)], normal_0_concat=[2])
// aw_nas reads them with Python's eval; this is a grammar instead, so a typo is reported with
// its position rather than executed.
//
//   genotype  := [IDENT '('] fields [')']          the wrapper name is free (CNNGenotype, ...)
//   fields    := field (',' field)* [',']
//   field     := ('normal_' | 'reduce_') GROUP ['_concat'] '=' list
//   list      := '[' items ']' | '(' items ')'     Python tuple rules: (2,) yes, (2) no
//   edge      := ('(' | '[') STRING ',' INT ',' INT [','] (')' | ']')
//   STRING    := '...' | "..."                     op-name characters only (is_op_name_char)
//
// Whitespace (spaces, tabs, newlines) is free between tokens. Fields may come in any order;
// a _concat field needs the matching normal_/reduce_ field somewhere in the string.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "search_spaces/genotype.hpp"

namespace bitnas {

// what(): "genotype: at position 37 (line 1, column 38): expected ',' or ']' but found 'x'"
// optionally followed by "; <note>". Position is a 0-based byte offset, line and column are
// 1-based.
class GenotypeParseError : public std::invalid_argument {
 public:
  GenotypeParseError(std::size_t position, int line, int column, std::string expected,
                     std::string found, const std::string& note);

  std::size_t position() const { return position_; }
  int line() const { return line_; }
  int column() const { return column_; }
  // What the grammar or a semantic rule wanted at position(), e.g. "',' or ']'".
  const std::string& expected() const { return expected_; }
  // What the text had there, e.g. "'x'" or "end of input".
  const std::string& found() const { return found_; }

 private:
  std::size_t position_;
  int line_, column_;
  std::string expected_, found_;
};

// Throws GenotypeParseError for syntax errors and for: a group defined twice (also as both
// normal and reduce), a concat field given twice or for a group without edges (or of the
// other kind), a negative node, from >= to, a concat list naming a node twice, empty lists.
Genotype parse_genotype(std::string_view text);

}  // namespace bitnas

#include "nas/op_listing.hpp"

#include <sstream>
#include <vector>

#include "search_spaces/op_registry.hpp"

namespace bitnas::cli {

namespace {

constexpr std::size_t kWidth = 100;

const char* const kNotation =
    "Ops a search space may list under `primitives` (cell edges), and those the space uses for "
    "preprocess and shortcuts. Costs are per image: c_in and c_out are the edge's widths, "
    "H' x W' its output size (ceil(H / stride)), BN(C) a BatchNorm's 2*C learnable values "
    "(none when a differentiable search turns affine BN off), binary = binary weights, "
    "fp = full-precision parameters, BOPs / FLOPs = binary / full-precision "
    "multiply-accumulates (docs/COST.md).";

// Word-wraps `text` to kWidth columns; continuation lines start with `indent` spaces.
std::string wrapped(const std::string& first_prefix, const std::string& text,
                    std::size_t indent) {
  std::istringstream words(text);
  std::string out = first_prefix, word;
  std::size_t column = first_prefix.size();
  bool line_empty = true;
  while (words >> word) {
    if (!line_empty && column + 1 + word.size() > kWidth) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    line_empty = false;
  }
  return out + "\n";
}

std::vector<const OpInfo*> selected_ops(const std::optional<std::string>& only) {
  if (only) return {&op_info(*only)};  // op_info throws for an unknown name, listing all
  return registered_ops();
}

std::vector<std::string> aliases_of(const std::string& name) {
  std::vector<std::string> out;
  for (const auto& [alias, target] : op_aliases())
    if (target == name) out.push_back(alias);
  return out;
}

}  // namespace

std::string op_listing_text(const std::optional<std::string>& only) {
  std::string out = only ? "" : wrapped("", kNotation, 0) + "\n";
  const std::string field_indent = "  ";
  constexpr std::size_t kFieldColumn = 14;  // "  parameters: "
  auto field = [&](const std::string& label, const std::string& value) {
    std::string prefix = field_indent + label + ":";
    prefix += std::string(kFieldColumn - prefix.size(), ' ');
    return wrapped(prefix, value, kFieldColumn);
  };
  for (const OpInfo* op : selected_ops(only)) {
    std::string kind = op->is_binary ? "binary" : op->parameter_free ? "parameter-free" : "float";
    out += op->name + " (" + kind + ")\n";
    out += wrapped(field_indent, op->description, field_indent.size());
    std::string aliases;
    for (const auto& a : aliases_of(op->name)) aliases += (aliases.empty() ? "" : ", ") + a;
    if (!aliases.empty()) out += field("aliases", aliases);
    out += field("parameters", op->parameters);
    out += field("cost", op->cost);
    out += "\n";
  }
  return out;
}

nlohmann::json op_listing_json(const std::optional<std::string>& only) {
  nlohmann::json ops = nlohmann::json::array();
  for (const OpInfo* op : selected_ops(only))
    ops.push_back({{"name", op->name},
                   {"description", op->description},
                   {"aliases", aliases_of(op->name)},
                   {"parameters", op->parameters},
                   {"cost", op->cost},
                   {"binary", op->is_binary},
                   {"parameter_free", op->parameter_free}});
  return ops;
}

}  // namespace bitnas::cli

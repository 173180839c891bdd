#pragma once
// What `bitnas ops` prints: every op of the registry with its description, aliases,
// parameters and cost formula, read from the registry entries themselves (OpDoc), so the
// listing names exactly the ops a config may use.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace bitnas::cli {

// The listing for people: a notation paragraph, then one block per op, sorted by name,
// wrapped at 100 columns. With `only` (a BitNAS name or an alias) just that op's block;
// an unknown name throws std::invalid_argument listing the known ops.
std::string op_listing_text(const std::optional<std::string>& only = std::nullopt);

// [{"name", "description", "aliases": [...], "parameters", "cost", "binary",
//   "parameter_free"}, ...], sorted by name; with `only`, that one op's object in the array.
nlohmann::json op_listing_json(const std::optional<std::string>& only = std::nullopt);

}  // namespace bitnas::cli

#include "search_spaces/op_registry.hpp"

#include <stdexcept>

#include "search_spaces/op_table.hpp"

namespace bitnas {

void OpTable::add(std::string name, OpDoc doc, bool is_binary, OpFactory factory) {
  if (ops.count(name) || aliases.count(name))
    throw std::logic_error("op registry: '" + name + "' registered twice");
  if (doc.description.empty() || doc.parameters.empty() || doc.cost.empty())
    throw std::logic_error("op registry: '" + name +
                           "' needs a description, its parameters and its cost");
  OpInfo info{name,           std::move(doc.description), std::move(doc.parameters),
              std::move(doc.cost), std::move(factory),     is_binary};
  ops.emplace(std::move(name), std::move(info));
}

void OpTable::add_parameter_free(std::string name, OpDoc doc, OpFactory factory) {
  const std::string key = name;
  add(std::move(name), std::move(doc), false, std::move(factory));
  ops.at(key).parameter_free = true;
}

void OpTable::alias(std::string alias, std::string target) {
  if (ops.count(alias) || aliases.count(alias))
    throw std::logic_error("op registry: alias '" + alias + "' clashes with a registered name");
  if (!ops.count(target))
    throw std::logic_error("op registry: alias '" + alias + "' of unknown op '" + target + "'");
  aliases.emplace(std::move(alias), std::move(target));
}

namespace {

const OpTable& table() {
  static const OpTable t = [] {
    OpTable built;
    register_binary_conv_ops(built);
    register_parameter_free_ops(built);
    register_block_ops(built);
    register_preprocess_ops(built);
    return built;
  }();
  return t;
}

std::string known_ops_list() {
  std::string list;
  for (const auto& [name, info] : table().ops) list += (list.empty() ? "" : ", ") + name;
  list += "; aliases: ";
  bool first = true;
  for (const auto& [alias, target] : table().aliases) {
    list += (first ? "" : ", ") + alias + " (" + target + ")";
    first = false;
  }
  return list;
}

}  // namespace

const std::string& canonical_op_name(const std::string& name) {
  const OpTable& t = table();
  if (auto it = t.ops.find(name); it != t.ops.end()) return it->first;
  if (auto it = t.aliases.find(name); it != t.aliases.end()) return it->second;
  throw std::invalid_argument("unknown op '" + name + "'; known ops: " + known_ops_list());
}

bool is_known_op(const std::string& name) {
  return table().ops.count(name) > 0 || table().aliases.count(name) > 0;
}

const OpInfo& op_info(const std::string& name) { return table().ops.at(canonical_op_name(name)); }

bool is_parameter_free_op(const std::string& name) {
  return is_known_op(name) && op_info(name).parameter_free;
}

std::vector<const OpInfo*> registered_ops() {
  std::vector<const OpInfo*> out;
  for (const auto& [name, info] : table().ops) out.push_back(&info);
  return out;
}

std::vector<std::pair<std::string, std::string>> op_aliases() {
  return {table().aliases.begin(), table().aliases.end()};
}

std::unique_ptr<Module> make_op(const std::string& name, int c_in, int c_out, int stride,
                                const OpContext& context) {
  const OpInfo& info = op_info(name);
  const std::string what = "op '" + name + "'" +
                           (name == info.name ? "" : " (alias of '" + info.name + "')") +
                           " with c_in " + std::to_string(c_in) + ", c_out " +
                           std::to_string(c_out) + ", stride " + std::to_string(stride);
  if (c_in < 1 || c_out < 1 || stride < 1)
    throw std::invalid_argument(what + ": widths and stride must be >= 1");
  try {
    return info.factory(c_in, c_out, stride, context);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(what + ": " + e.what());
  }
}

}  // namespace bitnas

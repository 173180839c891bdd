#include "search_spaces/yaml_reader.hpp"

#include <fstream>
#include <sstream>

namespace bitnas {

namespace {

std::string describe_scalar(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing";
}

}  // namespace

ConfigSection::ConfigSection(YAML::Node node, std::shared_ptr<FileState> state, std::string path)
    : node_(std::move(node)),
      state_(std::move(state)),
      path_(std::move(path)),
      read_keys_(std::make_shared<std::set<std::string>>()) {}

ConfigSection ConfigSection::load_string(const std::string& text, const std::string& source_name) {
  auto state = std::make_shared<FileState>(FileState{source_name});
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(source_name + ":" + std::to_string(e.mark.line + 1) +
                      ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap() && !root.IsNull())
    throw ConfigError(source_name + ":1: the top level must be a mapping of sections");
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  return ConfigSection(root, state, "");
}

ConfigSection ConfigSection::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open the config file");
  std::stringstream text;
  text << in.rdbuf();
  return load_string(text.str(), path);
}

std::string ConfigSection::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

int ConfigSection::line_of(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? 0 : mark.line + 1;
}

void ConfigSection::fail(const std::string& key, const std::string& message) const {
  int line = 0;
  if (node_.IsMap() && node_[key]) line = line_of(node_[key]);
  if (line == 0) line = line_of(node_);
  const std::string where = state_->file + (line > 0 ? ":" + std::to_string(line) : "");
  throw ConfigError(where + ": " + (key.empty() ? path_ : key_path(key)) + ": " + message);
}

bool ConfigSection::has(const std::string& key) const {
  return node_.IsMap() && node_[key] && !node_[key].IsNull();
}

YAML::Node ConfigSection::child(const std::string& key) const {
  read_keys_->insert(key);
  return node_[key];
}

template <typename T>
T ConfigSection::convert(const YAML::Node& value, const std::string& key, const char* what) const {
  if (!value.IsScalar()) fail(key, std::string("expected ") + what + ", got " + describe_scalar(value));
  try {
    return value.as<T>();
  } catch (const YAML::Exception&) {
    fail(key, std::string("expected ") + what + ", got " + describe_scalar(value));
  }
}

ConfigSection ConfigSection::section(const std::string& key) const {
  const YAML::Node value = child(key);
  if (!value || value.IsNull()) fail(key, "missing section");
  if (!value.IsMap()) fail(key, "expected a mapping, got " + describe_scalar(value));
  return ConfigSection(value, state_, key_path(key));
}

std::optional<ConfigSection> ConfigSection::optional_section(const std::string& key) const {
  if (!has(key)) {
    read_keys_->insert(key);
    return std::nullopt;
  }
  return section(key);
}

ConfigSection ConfigSection::section_or_empty(const std::string& key) const {
  if (has(key)) return section(key);
  read_keys_->insert(key);
  return ConfigSection(YAML::Node(YAML::NodeType::Map), state_, key_path(key));
}

void ConfigSection::allow(const std::string& key) const { read_keys_->insert(key); }

int ConfigSection::get_int(const std::string& key) const {
  const YAML::Node value = child(key);
  if (!value || value.IsNull()) fail(key, "missing required key");
  return convert<int>(value, key, "an integer");
}

int ConfigSection::get_int(const std::string& key, int fallback) const {
  return has(key) ? get_int(key) : (read_keys_->insert(key), fallback);
}

double ConfigSection::get_double(const std::string& key) const {
  const YAML::Node value = child(key);
  if (!value || value.IsNull()) fail(key, "missing required key");
  return convert<double>(value, key, "a number");
}

double ConfigSection::get_double(const std::string& key, double fallback) const {
  return has(key) ? get_double(key) : (read_keys_->insert(key), fallback);
}

bool ConfigSection::get_bool(const std::string& key, bool fallback) const {
  if (!has(key)) {
    read_keys_->insert(key);
    return fallback;
  }
  return convert<bool>(child(key), key, "true or false");
}

std::string ConfigSection::get_string(const std::string& key) const {
  const YAML::Node value = child(key);
  if (!value || value.IsNull()) fail(key, "missing required key");
  return convert<std::string>(value, key, "a string");
}

std::string ConfigSection::get_string(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_string(key) : (read_keys_->insert(key), fallback);
}

std::string ConfigSection::get_choice(const std::string& key,
                                      const std::vector<std::string>& allowed,
                                      const std::string& fallback) const {
  const std::string value = get_string(key, fallback);
  for (const auto& a : allowed)
    if (a == value) return value;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  fail(key, "'" + value + "' is not one of: " + list);
}

std::vector<int> ConfigSection::get_int_list(const std::string& key) const {
  const YAML::Node value = child(key);
  if (!value || value.IsNull()) fail(key, "missing required key");
  if (!value.IsSequence()) fail(key, "expected a list of integers, got " + describe_scalar(value));
  std::vector<int> out;
  for (std::size_t i = 0; i < value.size(); ++i)
    out.push_back(convert<int>(value[i], key, "a list of integers"));
  return out;
}

std::optional<std::vector<int>> ConfigSection::get_optional_int_list(const std::string& key) const {
  if (!has(key)) {
    read_keys_->insert(key);
    return std::nullopt;
  }
  return get_int_list(key);
}

std::vector<std::string> ConfigSection::get_string_list(const std::string& key) const {
  const YAML::Node value = child(key);
  if (!value || value.IsNull()) fail(key, "missing required key");
  if (!value.IsSequence()) fail(key, "expected a list of strings, got " + describe_scalar(value));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < value.size(); ++i)
    out.push_back(convert<std::string>(value[i], key, "a list of strings"));
  return out;
}

void ConfigSection::reject_unknown_keys() const {
  if (!node_.IsMap()) return;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string key = it->first.as<std::string>();
    if (!read_keys_->count(key)) {
      const int line = line_of(it->first);
      std::string where = state_->file;
      if (line > 0) where.append(":").append(std::to_string(line));
      throw ConfigError(where + ": " + key_path(key) + ": unknown key");
    }
  }
}

}  // namespace bitnas

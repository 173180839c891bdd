#include "aw_nas_compat/aw_nas_section.hpp"

#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

std::string scalar_text(const YAML::Node& node) {
  return node.IsDefined() && node.IsScalar() ? node.Scalar() : std::string();
}

bool is_unset(const YAML::Node& node) {
  return !node.IsDefined() || node.IsNull() || ((node.IsSequence() || node.IsMap()) && node.size() == 0);
}

AwNasSection::AwNasSection(YAML::Node node, std::string path, std::string file,
                           std::vector<std::string>& warnings)
    : node_(std::move(node)), path_(std::move(path)), file_(std::move(file)), warnings_(&warnings) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap())
    throw ConfigError(where("") + "expected a mapping");
}

bool AwNasSection::has(const std::string& key) const {
  return node_.IsMap() && node_[key].IsDefined();
}

YAML::Node AwNasSection::take(const std::string& key) {
  handled_.insert(key);
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Null);
  const YAML::Node value = node_[key];
  return value.IsDefined() ? value : YAML::Node(YAML::NodeType::Null);
}

void AwNasSection::ignore(const std::string& key, std::initializer_list<const char*> harmless,
                          const std::string& why) {
  const YAML::Node value = take(key);
  if (is_unset(value)) return;
  const std::string text = scalar_text(value);
  for (const char* h : harmless)
    if (value.IsScalar() && text == h) return;
  warn(key, "ignored: " + why);
}

std::string AwNasSection::where(const std::string& key) const {
  int line = 0;
  if (node_.IsMap() && !key.empty() && node_[key].IsDefined() && !node_[key].Mark().is_null())
    line = node_[key].Mark().line + 1;
  else if (node_.IsDefined() && !node_.Mark().is_null())
    line = node_.Mark().line + 1;
  std::string out = file_;
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
  }
  out += ": ";
  if (!path_.empty()) out += key.empty() ? path_ : path_ + ".";
  return out + key + ": ";
}

void AwNasSection::warn(const std::string& key, const std::string& message) const {
  warnings_->push_back(where(key) + message);
}

void AwNasSection::fail(const std::string& key, const std::string& message) const {
  throw ConfigError(where(key) + message);
}

void AwNasSection::warn_about_untranslated_keys() {
  if (!node_.IsMap()) return;
  for (const auto& item : node_) {
    const std::string key = item.first.as<std::string>();
    if (handled_.insert(key).second)
      warn(key, "not translated (BitNAS has no equivalent); ignored");
  }
}

}  // namespace bitnas

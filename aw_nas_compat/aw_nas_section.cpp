#include "aw_nas_compat/aw_nas_section.hpp"

#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

namespace {
thread_local AwNasKeyRecording* active_recording = nullptr;

void record(const std::string& section_path, const std::string& key, const std::string& ignored) {
  if (active_recording)
    active_recording->note(section_path.empty() ? key : section_path + "." + key, ignored);
}
}  // namespace

AwNasKeyRecording::AwNasKeyRecording() : outer_(active_recording) { active_recording = this; }
AwNasKeyRecording::~AwNasKeyRecording() { active_recording = outer_; }

void AwNasKeyRecording::note(const std::string& path, const std::string& ignored) {
  for (AwNasKeyUse& use : uses_)
    if (use.path == path) {
      if (!ignored.empty()) use.ignored = ignored;
      return;
    }
  uses_.push_back({path, ignored});
}

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
  record(path_, key, "");
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Null);
  const YAML::Node value = node_[key];
  return value.IsDefined() ? value : YAML::Node(YAML::NodeType::Null);
}

void AwNasSection::ignore(const std::string& key, std::initializer_list<const char*> harmless,
                          const std::string& why) {
  const YAML::Node value = take(key);
  record(path_, key, why);
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

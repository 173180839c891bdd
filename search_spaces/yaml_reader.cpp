#include "search_spaces/yaml_reader.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "ops/core/exact_text.hpp"
#include "ops/core/regular_file.hpp"

namespace bitnas {

namespace {

int line_of_mark(const YAML::Mark& mark) { return mark.is_null() ? 0 : mark.line + 1; }

// "file:line", or "file" when the line is unknown. Appended piecewise: GCC 12 warns
// (-Wrestrict, falsely) on `source + (line > 0 ? ":" + ... : "")`.
std::string located(const std::string& source, int line) {
  std::string where = source;
  if (line > 0) where.append(":").append(std::to_string(line));
  return where;
}

std::string joined_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

// Every key is a plain name, at any depth: YAML allows a list or mapping as a key (`? [a]`),
// which no config key is. yaml-cpp keeps both entries of a repeated key and lookups find the
// first, so a repeated key would silently lose the later value; it is refused instead.
// An alias (*a) is the node its anchor (&a) made, with the anchor's position: each position
// is walked once, so nested aliases (a "billion laughs" document) take linear time.
void check_keys(const YAML::Node& node, const std::string& source, const std::string& path,
                std::set<std::size_t>& walked) {
  if (!node.IsSequence() && !node.IsMap()) return;
  if (!node.Mark().is_null() && !walked.insert(static_cast<std::size_t>(node.Mark().pos)).second)
    return;
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      check_keys(node[i], source, path + "[" + std::to_string(i) + "]", walked);
    return;
  }
  std::map<std::string, int> first_line;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const int line = line_of_mark(it->first.Mark());
    if (!it->first.IsScalar())
      throw ConfigError(located(source, line) + ": " + (path.empty() ? "top level" : path) +
                        ": a key must be a plain name, not a list or mapping");
    const std::string key = it->first.Scalar();
    const auto [previous, inserted] = first_line.emplace(key, line);
    if (!inserted)
      throw ConfigError(located(source, line) + ": " + joined_path(path, key) +
                        ": given twice (first at line " + std::to_string(previous->second) +
                        "); YAML would silently keep only one of them");
    check_keys(it->second, source, joined_path(path, key), walked);
  }
}

// Records where each document starts and ignores everything else.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Where a second document starts, if there is one. The parser is driven for two documents
// at most: yaml-cpp 0.7's LoadAll never returns (and allocates without bound) on some
// malformed text, e.g. a line starting with ',' (found by fuzz_yaml_config).
std::optional<YAML::Mark> second_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts handler;
  for (int i = 0; i < 2 && parser.HandleNextDocument(handler); ++i) {
  }
  if (handler.starts.size() < 2) return std::nullopt;
  return handler.starts[1];
}

std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

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
  std::optional<YAML::Mark> second;
  try {
    root = YAML::Load(text);
    second = second_document(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(source_name + ":" + std::to_string(e.mark.line + 1) +
                      ": invalid YAML: " + e.msg);
  }
  if (second)
    throw ConfigError(located(source_name, line_of_mark(*second)) +
                      ": a second YAML document starts here (a '---' separator, or text YAML "
                      "cannot place in the first); a config is one document");
  std::set<std::size_t> walked;
  check_keys(root, source_name, "", walked);
  if (!root.IsMap() && !root.IsNull())
    throw ConfigError(source_name + ":1: the top level must be a mapping of sections");
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  return ConfigSection(root, state, "");
}

std::string read_config_file(const std::string& path, const std::string& what) {
  if (const auto why = not_a_regular_file(path))
    throw ConfigError(path + ": cannot read the " + what + ": it " + *why);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open the " + what);
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw ConfigError(path + ": cannot read the " + what);
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes)
    throw ConfigError(path + ": the " + what + " is larger than " +
                      std::to_string(kMaxConfigBytes >> 20) + " MiB; is this the right file?");
  return text;
}

ConfigSection ConfigSection::load_file(const std::string& path) {
  return load_string(read_config_file(path), path);
}

namespace {

thread_local ConfigKeyRecording* active_recording = nullptr;

}  // namespace

ConfigKeyRecording::ConfigKeyRecording() : outer_(active_recording) { active_recording = this; }

ConfigKeyRecording::~ConfigKeyRecording() { active_recording = outer_; }

void ConfigKeyRecording::note(const std::string& path, std::optional<std::string> fallback,
                              bool required, std::vector<std::string> choices) {
  for (ConfigKeyRead& read : reads_) {
    if (read.path != path) continue;
    if (!read.fallback) read.fallback = std::move(fallback);
    read.required = read.required || (required && !read.fallback);
    if (read.choices.empty()) read.choices = std::move(choices);
    return;
  }
  reads_.push_back({path, std::move(fallback), required, std::move(choices)});
}

void ConfigSection::record(const std::string& key, std::optional<std::string> fallback,
                           bool required, std::vector<std::string> choices) const {
  if (active_recording)
    active_recording->note(key_path(key), std::move(fallback), required, std::move(choices));
}

std::string ConfigSection::key_path(const std::string& key) const {
  return joined_path(path_, key);
}

int ConfigSection::line_of(const YAML::Node& node) const { return line_of_mark(node.Mark()); }

void ConfigSection::fail(const std::string& key, const std::string& message) const {
  int line = 0;
  if (node_.IsMap() && node_[key]) line = line_of(node_[key]);
  if (line == 0) line = line_of(node_);
  throw ConfigError(located(state_->file, line) + ": " + (key.empty() ? path_ : key_path(key)) + ": " + message);
}

bool ConfigSection::has(const std::string& key) const {
  return node_.IsMap() && node_[key] && !node_[key].IsNull();
}

YAML::Node ConfigSection::child(const std::string& key) const {
  read_keys_->insert(key);
  return node_[key];
}

bool ConfigSection::given(const std::string& key) const {
  read_keys_->insert(key);
  if (!node_.IsMap() || !node_[key]) return false;
  if (node_[key].IsNull())
    fail(key, "has no value; give one, or remove the key to use the default");
  return true;
}

template <typename T>
T ConfigSection::convert(const YAML::Node& value, const std::string& key, const char* what) const {
  if (!value.IsScalar()) fail(key, std::string("expected ") + what + ", got " + describe_scalar(value));
  T result{};
  try {
    result = value.as<T>();
  } catch (const YAML::Exception&) {
    fail(key, std::string("expected ") + what + ", got " + describe_scalar(value));
  }
  // .nan and .inf would slip past every range check (NaN compares false both ways).
  if constexpr (std::is_floating_point_v<T>)
    if (!std::isfinite(result))
      fail(key, std::string("expected a finite number, got ") + describe_scalar(value));
  return result;
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
  record(key, std::nullopt, true);
  const YAML::Node value = child(key);
  if (!value || value.IsNull()) fail(key, "missing required key");
  return convert<int>(value, key, "an integer");
}

int ConfigSection::get_int(const std::string& key, int fallback) const {
  record(key, std::to_string(fallback), false);
  return given(key) ? get_int(key) : fallback;
}

int ConfigSection::get_int_in(const std::string& key, int fallback, int lo, int hi) const {
  const int v = get_int(key, fallback);
  if (v < lo || v > hi)
    fail(key, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                  std::to_string(v));
  return v;
}

double ConfigSection::get_double(const std::string& key) const {
  record(key, std::nullopt, true);
  const YAML::Node value = child(key);
  if (!value || value.IsNull()) fail(key, "missing required key");
  return convert<double>(value, key, "a number");
}

double ConfigSection::get_double(const std::string& key, double fallback) const {
  record(key, exact_text(fallback), false);
  return given(key) ? get_double(key) : fallback;
}

double ConfigSection::get_double_in(const std::string& key, double fallback, double lo,
                                    double hi) const {
  const double v = get_double(key, fallback);
  if (!(v >= lo && v <= hi))
    fail(key, "must be in [" + format_number(lo) + ", " + format_number(hi) + "], got " +
                  format_number(v));
  return v;
}

bool ConfigSection::get_bool(const std::string& key, bool fallback) const {
  record(key, fallback ? "true" : "false", false);
  return given(key) ? convert<bool>(child(key), key, "true or false") : fallback;
}

std::string ConfigSection::get_string(const std::string& key) const {
  record(key, std::nullopt, true);
  const YAML::Node value = child(key);
  if (!value || value.IsNull()) fail(key, "missing required key");
  return convert<std::string>(value, key, "a string");
}

std::string ConfigSection::get_string(const std::string& key, const std::string& fallback) const {
  record(key, fallback.empty() ? "\"\"" : fallback, false);
  return given(key) ? get_string(key) : fallback;
}

std::string ConfigSection::get_choice(const std::string& key,
                                      const std::vector<std::string>& allowed,
                                      const std::string& fallback) const {
  record(key, fallback, false, allowed);
  const std::string value = get_string(key, fallback);
  for (const auto& a : allowed)
    if (a == value) return value;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  fail(key, "'" + value + "' is not one of: " + list);
}

std::vector<int> ConfigSection::get_int_list(const std::string& key) const {
  record(key, std::nullopt, true);
  const YAML::Node value = child(key);
  if (!value || value.IsNull()) fail(key, "missing required key");
  if (!value.IsSequence()) fail(key, "expected a list of integers, got " + describe_scalar(value));
  std::vector<int> out;
  for (std::size_t i = 0; i < value.size(); ++i)
    out.push_back(convert<int>(value[i], key, "a list of integers"));
  return out;
}

std::vector<int> ConfigSection::get_int_list(const std::string& key,
                                            const std::vector<int>& fallback) const {
  record(key, int_list_text(fallback), false);
  return given(key) ? get_int_list(key) : fallback;
}

std::optional<std::vector<int>> ConfigSection::get_optional_int_list(const std::string& key) const {
  record(key, std::nullopt, false);
  if (!given(key)) return std::nullopt;
  return get_int_list(key);
}

std::vector<std::string> ConfigSection::get_string_list(const std::string& key) const {
  record(key, std::nullopt, true);
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
      throw ConfigError(located(state_->file, line) + ": " + key_path(key) + ": unknown key");
    }
  }
}

}  // namespace bitnas

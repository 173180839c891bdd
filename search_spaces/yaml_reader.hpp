#pragma once
// Typed, checked reading of YAML configuration (parsed once into immutable structs). Every
// error names the file, the line and the dotted key: "configs/a.yaml:12: search_space.num_layers:
// expected an integer, got 'eight'". Keys a section never asked for are errors too, so a typo
// never silently falls back to a default. A document that YAML would read ambiguously is
// refused too: a key given twice, a second document, a key with no value, a number that is
// not finite.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace bitnas {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One key a reader asked a section for. `bitnas gen-sample-config` runs the real readers on a
// config that gives only the required keys and lists what they asked for, so a sample config
// holds exactly the keys the readers know, with the defaults they apply.
struct ConfigKeyRead {
  std::string path;                     // dotted, e.g. "search.epochs"
  std::optional<std::string> fallback;  // the default as YAML text; none: required or optional
  bool required = false;                // read without a default (an error when absent)
  std::vector<std::string> choices;     // the allowed values of a get_choice key
};

// While one is alive, every key read by a ConfigSection on this thread is appended to it
// (once per path, in first-read order). Recordings nest; the innermost one records.
class ConfigKeyRecording {
 public:
  ConfigKeyRecording();
  ~ConfigKeyRecording();
  ConfigKeyRecording(const ConfigKeyRecording&) = delete;
  ConfigKeyRecording& operator=(const ConfigKeyRecording&) = delete;

  const std::vector<ConfigKeyRead>& reads() const { return reads_; }
  // Adds what is known about `path`, merging with an earlier read of the same key.
  void note(const std::string& path, std::optional<std::string> fallback, bool required,
            std::vector<std::string> choices);

 private:
  std::vector<ConfigKeyRead> reads_;
  ConfigKeyRecording* outer_;
};

// Largest config file read; real configs are a few kilobytes.
inline constexpr std::size_t kMaxConfigBytes = 1 << 20;

// The text of a config file: a regular file of at most kMaxConfigBytes. `what` names the
// kind of file in messages ("config file", "genotype file").
std::string read_config_file(const std::string& path, const std::string& what = "config file");

class ConfigSection {
 public:
  // Loads `path`; a YAML syntax error becomes a ConfigError with the file and line.
  static ConfigSection load_file(const std::string& path);
  // Parses YAML text; `source_name` stands in for the file name in messages.
  static ConfigSection load_string(const std::string& text, const std::string& source_name);

  // The mapping under `key` (which must be present and a mapping).
  ConfigSection section(const std::string& key) const;
  std::optional<ConfigSection> optional_section(const std::string& key) const;
  // The mapping under `key`, or an empty one (every key at its default) when it is absent.
  ConfigSection section_or_empty(const std::string& key) const;
  // Marks `key` as known without reading it (a section another reader owns).
  void allow(const std::string& key) const;
  bool has(const std::string& key) const;

  int get_int(const std::string& key) const;
  int get_int(const std::string& key, int fallback) const;
  double get_double(const std::string& key) const;
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  // Bounded forms: a value outside [lo, hi] is an error naming the key and both bounds.
  int get_int_in(const std::string& key, int fallback, int lo, int hi) const;
  double get_double_in(const std::string& key, double fallback, double lo, double hi) const;
  std::string get_string(const std::string& key) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  // One of `allowed`; anything else is an error listing them.
  std::string get_choice(const std::string& key, const std::vector<std::string>& allowed,
                         const std::string& fallback) const;
  std::vector<int> get_int_list(const std::string& key) const;
  std::vector<int> get_int_list(const std::string& key, const std::vector<int>& fallback) const;
  std::optional<std::vector<int>> get_optional_int_list(const std::string& key) const;
  std::vector<std::string> get_string_list(const std::string& key) const;

  // Throws for the first key of this mapping that was never read.
  void reject_unknown_keys() const;

  // An error located at `key` (its line when present, else this section's line).
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  const std::string& file() const { return state_->file; }
  const std::string& path() const { return path_; }

 private:
  struct FileState {
    std::string file;
  };
  ConfigSection(YAML::Node node, std::shared_ptr<FileState> state, std::string path);
  // Tells the active ConfigKeyRecording, if any, about a read of `key`.
  void record(const std::string& key, std::optional<std::string> fallback, bool required,
              std::vector<std::string> choices = {}) const;
  YAML::Node child(const std::string& key) const;  // marks the key as read
  // Marks the key as read; true when it has a value, false when absent; a key written with
  // no value (`epochs:` or `epochs: ~`) is an error rather than the default.
  bool given(const std::string& key) const;
  std::string key_path(const std::string& key) const;
  int line_of(const YAML::Node& node) const;
  template <typename T>
  T convert(const YAML::Node& value, const std::string& key, const char* what) const;

  YAML::Node node_;
  std::shared_ptr<FileState> state_;
  std::string path_;
  std::shared_ptr<std::set<std::string>> read_keys_;
};

}  // namespace bitnas

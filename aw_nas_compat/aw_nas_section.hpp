#pragma once
// One mapping of an aw_nas config being translated. Every key is either taken (translated),
// ignored with a reason, or left over; what is left over when the section is done becomes a
// warning too, so no key of the user's file disappears without a word.
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <set>
#include <string>
#include <vector>

namespace bitnas {

class AwNasSection {
 public:
  // `node` may be null or absent (an omitted `*_cfg`): every key then is at aw_nas's default.
  AwNasSection(YAML::Node node, std::string path, std::string file,
               std::vector<std::string>& warnings);

  // The value under `key` (a null node when absent), marking the key as translated.
  YAML::Node take(const std::string& key);
  bool has(const std::string& key) const;
  // Marks `key` as handled; warns "<why>" unless its value is absent, null, empty or written
  // as one of `harmless` (values under which aw_nas behaves as BitNAS does anyway).
  void ignore(const std::string& key, std::initializer_list<const char*> harmless,
              const std::string& why);
  // A warning located at `key`: "file:line: path.key: message".
  void warn(const std::string& key, const std::string& message) const;
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  // Warns about every key not taken or ignored; call once, after the section is translated.
  void warn_about_untranslated_keys();

  const std::string& path() const { return path_; }

 private:
  std::string where(const std::string& key) const;

  YAML::Node node_;
  std::string path_, file_;
  std::vector<std::string>* warnings_;
  std::set<std::string> handled_;
};

// While one is alive (on this thread), every section records the keys it reads: the aw_nas
// keys the translation knows, each with why it is ignored when it is (empty: translated).
// `bitnas gen-sample-config --aw-nas` lists them from this record, so the list cannot drift.
struct AwNasKeyUse {
  std::string path;    // "evaluator_cfg.batch_size", or a top-level key
  std::string ignored; // the reason given to ignore(), empty for a translated key
};
class AwNasKeyRecording {
 public:
  AwNasKeyRecording();
  ~AwNasKeyRecording();
  AwNasKeyRecording(const AwNasKeyRecording&) = delete;
  AwNasKeyRecording& operator=(const AwNasKeyRecording&) = delete;

  const std::vector<AwNasKeyUse>& uses() const { return uses_; }
  void note(const std::string& path, const std::string& ignored);

 private:
  std::vector<AwNasKeyUse> uses_;
  AwNasKeyRecording* outer_;
};

// Text of a YAML scalar, or "" for anything else.
std::string scalar_text(const YAML::Node& node);
// True for an absent or null node, an empty sequence or an empty mapping.
bool is_unset(const YAML::Node& node);

}  // namespace bitnas

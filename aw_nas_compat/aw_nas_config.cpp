#include "aw_nas_compat/aw_nas_config.hpp"

#include "aw_nas_compat/aw_nas_translation.hpp"
#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

namespace {

// The top-level keys of aw_nas's components (aw_nas/main.py builds each from its pair).
constexpr const char* kComponents[] = {"search_space", "dataset",   "controller",
                                       "evaluator",    "weights_manager", "objective",
                                       "trainer",      "final_model",     "final_trainer"};

YAML::Node load(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace

bool looks_like_aw_nas_config(const std::string& yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception&) {
    return false;
  }
  if (!root.IsMap() || root["search_space"].IsDefined()) return false;
  for (const char* component : kComponents)
    if (root[std::string(component) + "_type"].IsDefined() ||
        root[std::string(component) + "_cfg"].IsDefined())
      return true;
  return false;
}

AwNasTranslation translate_aw_nas_config(const std::string& yaml_text, const std::string& source) {
  AwNasTranslationState st;
  st.root = load(yaml_text, source);
  st.file = source;
  if (!st.root.IsMap()) throw ConfigError(source + ": expected a mapping of aw_nas components");
  try {
    translate_search_space(st);
    translate_dataset(st);
    translate_search_components(st);
    translate_final_trainer(st);
  } catch (const YAML::Exception& e) {
    // A value of the wrong shape (a scalar where a mapping belongs, text for a number).
    throw ConfigError(source + (e.mark.is_null() ? "" : ":" + std::to_string(e.mark.line + 1)) +
                      ": " + e.msg);
  }

  AwNasSection top(st.root, "", source, st.warnings);
  top.ignore("rollout_type", {"discrete", "differentiable"}, "BitNAS rollouts are genotypes");
  for (const char* component : kComponents) {
    top.take(std::string(component) + "_type");
    top.take(std::string(component) + "_cfg");
  }
  // Component types other translators checked: the cnn space, the trainers, the dataset.
  top.warn_about_untranslated_keys();

  YAML::Emitter emitter;
  emitter << st.out;
  AwNasTranslation out;
  out.yaml = "# Translated by bitnas from the aw_nas config " + source + ".\n";
  for (const std::string& w : st.warnings) out.yaml += "# warning: " + w + "\n";
  out.yaml += std::string(emitter.c_str()) + "\n";
  out.warnings = std::move(st.warnings);
  return out;
}

}  // namespace bitnas

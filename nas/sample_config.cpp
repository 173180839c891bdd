#include "nas/sample_config.hpp"

#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

#include "aw_nas_compat/aw_nas_sample.hpp"
#include "evaluators/train_request.hpp"
#include "nas/config_key_docs.hpp"
#include "nas/search/search_config.hpp"
#include "ops/core/exact_text.hpp"
#include "search_spaces/genotype_printer.hpp"
#include "search_spaces/genotype_space.hpp"
#include "search_spaces/model_spec.hpp"

namespace bitnas::cli {

namespace {

constexpr std::size_t kCommentColumn = 44;

std::string name_list_text(const std::vector<std::string>& names) {
  std::string text = "[";
  for (std::size_t i = 0; i < names.size(); ++i) text += (i ? ", " : "") + names[i];
  return text + "]";
}

// The values the minimal config gives, by dotted path: what has no default.
std::map<std::string, std::string> required_values(SampleConfigKind kind,
                                                   const std::string& controller) {
  const SearchSpaceConfig space = default_search_space();
  std::map<std::string, std::string> values{
      {"search_space.cell_layout", int_list_text(space.cell_layout)},
      {"search_space.primitives", name_list_text(space.primitives)}};
  if (kind == SampleConfigKind::search) {
    values["controller.type"] = controller;
  } else {
    Rng rng(1);
    // Genotype strings quote ops with single quotes only, so double quotes delimit them.
    values["genotype"] = "\"" + to_string(GenotypeSpace(space).random(rng)) + "\"";
  }
  return values;
}

// The minimal config, plus (with `open_subsections`) every optional subsection present and
// empty, so that the readers ask for the keys inside them too.
std::string config_text(SampleConfigKind kind, const std::string& controller,
                        bool open_subsections) {
  const auto values = required_values(kind, controller);
  std::string text = "search_space:\n  cell_layout: " + values.at("search_space.cell_layout") +
                     "\n  primitives: " + values.at("search_space.primitives") + "\n";
  if (open_subsections) text += "  binary_op: {}\ndata:\n  augmentation: {}\n";
  const std::string optimizer = open_subsections ? "  optimizer: {}\n  lr_schedule: {}\n" : "";
  if (kind == SampleConfigKind::search) {
    text += "controller:\n  type: " + values.at("controller.type") + "\n";
    if (open_subsections) text += "weights_manager:\n" + optimizer;
  } else {
    text += "genotype: " + values.at("genotype") + "\n";
    if (open_subsections) text += "trainer:\n" + optimizer;
  }
  return text;
}

// What the readers ask for when they read `text`.
std::vector<ConfigKeyRead> keys_read(SampleConfigKind kind, const std::string& text) {
  ConfigKeyRecording recording;
  if (kind == SampleConfigKind::search) parse_search_config(text, "sample config");
  else make_train_request(text, "sample config", {});
  return recording.reads();
}

struct KeyTree {
  std::string name;
  const ConfigKeyRead* key = nullptr;  // set on leaves
  std::vector<KeyTree> children;

  KeyTree& child(const std::string& child_name) {
    for (KeyTree& c : children)
      if (c.name == child_name) return c;
    children.push_back({child_name, nullptr, {}});
    return children.back();
  }
};

KeyTree tree_of(const std::vector<ConfigKeyRead>& reads) {
  KeyTree root;
  for (const ConfigKeyRead& read : reads) {
    KeyTree* node = &root;
    std::size_t start = 0;
    for (std::size_t dot; (dot = read.path.find('.', start)) != std::string::npos;
         start = dot + 1)
      node = &node->child(read.path.substr(start, dot - start));
    node->child(read.path.substr(start)).key = &read;
  }
  return root;
}

std::string comment_line(std::string line, const std::string& comment) {
  if (line.size() + 1 < kCommentColumn) line.resize(kCommentColumn - 1, ' ');
  return line + " # " + comment + "\n";
}

void write_tree(const KeyTree& node, int depth, const std::map<std::string, std::string>& given,
                std::string& out) {
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  for (const KeyTree& c : node.children) {
    if (!c.key) {
      out += indent + c.name + ":\n";
      write_tree(c, depth + 1, given, out);
      continue;
    }
    const ConfigKeyRead& key = *c.key;
    std::string comment = config_key_docs().at(key.path);
    if (!key.choices.empty()) {
      comment += " (";
      for (std::size_t i = 0; i < key.choices.size(); ++i)
        comment += (i ? " | " : "") + key.choices[i];
      comment += ")";
    }
    if (auto it = given.find(key.path); it != given.end()) {
      out += comment_line(indent + c.name + ": " + it->second, comment);
    } else if (key.fallback) {
      out += comment_line(indent + c.name + ": " + *key.fallback, comment);
    } else {
      // Optional without a default: shown, commented out, so the sample still loads.
      out += comment_line(indent + "# " + c.name + ":", comment + " (unset by default)");
    }
  }
}

std::string flow_text(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

std::string aw_nas_key_comment(const AwNasSampleKey& key) {
  if (!key.ignored.empty()) return "not honoured: " + key.ignored;
  if (key.value.IsNull()) return "translated when set (`bitnas convert-config` shows to what)";
  std::string comment = key.required ? "required (the translation fails without it); " : "";
  if (key.targets.empty()) return comment + "accepted; as set here it changes no BitNAS key";
  comment += "->";
  for (std::size_t i = 0; i < key.targets.size(); ++i)
    comment += (i ? ", " : " ") + key.targets[i];
  // The BitNAS comment of the one key it sets (several: a whole section or derived keys).
  if (key.targets.size() == 1)
    if (auto it = config_key_docs().find(key.targets.front()); it != config_key_docs().end())
      comment += ": " + it->second;
  return comment;
}

}  // namespace

std::string aw_nas_sample_config_yaml(SampleConfigKind kind, const std::string& controller) {
  const bool search = kind == SampleConfigKind::search;
  std::string out =
      std::string("# A `bitnas ") + (search ? "search" : "train") +
      "` config in aw_nas's layout: every aw_nas key BitNAS reads, and\n# after `->` the "
      "BitNAS keys it becomes (`bitnas convert-config FILE` shows the whole translation).\n"
      "# Keys BitNAS does not honour are commented out with the reason; setting them warns.\n"
      "# Generated by `bitnas gen-sample-config --aw-nas" +
      (search ? " --controller " + controller + " search" : std::string(" train")) + "`.\n";
  for (const AwNasSampleKey& key : aw_nas_sample_keys(search ? "search" : "train", controller)) {
    const bool inner = key.path.find('.') != std::string::npos;
    const std::string name = inner ? key.path.substr(key.path.find('.') + 1) : key.path;
    const std::string indent = inner ? "  " : "";
    if (key.value.IsNull()) {
      out += comment_line(indent + "# " + name + ":", aw_nas_key_comment(key));
    } else if (!inner && key.value.IsMap() && key.value.size() > 0) {
      out += name + ":\n";  // its keys follow, each with its own comment
    } else {
      out += comment_line(indent + name + ": " + flow_text(key.value), aw_nas_key_comment(key));
    }
  }
  return out;
}

std::string minimal_config_yaml(SampleConfigKind kind, const std::string& controller) {
  return config_text(kind, controller, false);
}

std::string sample_config_yaml(SampleConfigKind kind, const std::string& controller) {
  const std::vector<ConfigKeyRead> reads = keys_read(kind, config_text(kind, controller, true));
  std::string undocumented;
  for (const ConfigKeyRead& read : reads)
    if (!config_key_docs().count(read.path)) undocumented += " " + read.path;
  if (!undocumented.empty())
    throw std::logic_error("gen-sample-config: config keys without a comment in "
                           "nas/config_key_docs.cpp:" + undocumented);
  const bool search = kind == SampleConfigKind::search;
  std::string out =
      std::string("# A complete `bitnas ") + (search ? "search" : "train") +
      "` config: every key the readers know, at its default.\n# Generated by `bitnas "
      "gen-sample-config" + (search ? " --controller " + controller : std::string()) +
      (search ? " search" : " train") + "`. The search space's cell_layout and primitives" +
      (search ? "" : ",\n# and the genotype,") + " come from the built-in default space.\n";
  write_tree(tree_of(reads), 0, required_values(kind, controller), out);
  return out;
}

}  // namespace bitnas::cli

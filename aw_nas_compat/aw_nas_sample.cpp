#include "aw_nas_compat/aw_nas_sample.hpp"

#include <functional>
#include <map>
#include <stdexcept>

#include "aw_nas_compat/aw_nas_config.hpp"
#include "aw_nas_compat/aw_nas_section.hpp"
#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

namespace {

// aw_nas's names throughout; values chosen so that the translation needs no warning.
constexpr const char* kSearchSpace = R"(rollout_type: discrete
search_space_type: cnn
search_space_cfg:
  num_cell_groups: 2
  num_init_nodes: 2
  num_layers: 8
  cell_layout: [0, 0, 1, 0, 0, 1, 0, 0]
  reduce_cell_groups: [1]
  num_steps: 4
  num_node_inputs: 2
  shared_primitives: [xnor_conv_3x3, xnor_conv_5x5, xnor_conv_1x1, skip_connect, avg_pool_3x3,
                      max_pool_3x3, none]
  concat_op: concat
dataset_type: fashion_mnist
dataset_cfg: {}
)";

constexpr const char* kSearchComponents = R"(evaluator_type: mepa
evaluator_cfg:
  batch_size: 64
  mepa_optimizer: {type: Adam, lr: 0.002, weight_decay: 0}
  mepa_scheduler: {type: CosineAnnealingLR, eta_min: 0}
  data_portion: [0.0, 0.8, 0.1]
weights_manager_type: supernet
weights_manager_cfg:
  init_channels: 16
  stem_multiplier: 1
  layer_channels: [16, 16, 16, 32, 32, 32, 64, 64, 64]
  use_stem: conv_bn_relu_3x3
  cell_use_preprocess: true
  cell_use_shortcut: false
  max_grad_norm: 5.0
  num_classes: 10
objective_type: classification
objective_cfg: {}
trainer_type: simple
trainer_cfg:
  epochs: 20
  controller_samples: 4
  controller_steps: 5
)";

constexpr const char* kTrain = R"(search_space_type: cnn
search_space_cfg:
  num_cell_groups: 2
  num_init_nodes: 1
  num_layers: 8
  cell_layout: [0, 0, 1, 0, 1, 0, 1, 0]
  reduce_cell_groups: [1]
  num_steps: 1
  num_node_inputs: 1
  shared_primitives: [xnor_resnet_block]
dataset_type: fashion_mnist
dataset_cfg: {}
final_model_type: bnn_final_model
final_model_cfg:
  genotypes: "normal_0=[('xnor_resnet_block', 0, 1)], reduce_1=[('xnor_resnet_block', 0, 1)]"
  init_channels: 16
  stem_multiplier: 1
  layer_channels: [16, 16, 16, 32, 32, 64, 64, 128, 128]
  use_stem: conv_bn_relu_3x3
  cell_use_preprocess: false
  num_classes: 10
objective_type: classification
objective_cfg: {}
final_trainer_type: cnn_trainer
final_trainer_cfg:
  epochs: 5
  batch_size: 128
  eval_batch_size: 256
  optimizer_type: Adam
  learning_rate: 0.001
  weight_decay: 0
  optimizer_scheduler: {type: CosineAnnealingLR, eta_min: 0}
  warmup_epochs: 0
  grad_clip: 5.0
  seed: 1
)";

std::string controller_section(const std::string& aw_nas_type) {
  std::string text = "controller_type: " + aw_nas_type + "\ncontroller_cfg:";
  if (aw_nas_type == "evo") return text + "\n  population_size: 20\n  parent_pool_size: 5\n";
  if (aw_nas_type == "rl")
    return text + "\n  controller_network_cfg: {controller_hid: 64, tanh_constant: 1.5, "
                  "softmax_temperature: 5.0}\n  rl_agent_cfg: {alpha: 0.99, entropy_coeff: 0.0}\n";
  if (aw_nas_type == "differentiable")
    return text + "\n  gumbel_hard: false\n  gumbel_temperature: 1.0\n";
  return text + " {}\n";
}

// The controller's optimizer sits in aw_nas's trainer_cfg; only learned controllers have one.
std::string controller_optimizer(const std::string& aw_nas_type) {
  if (aw_nas_type != "rl" && aw_nas_type != "differentiable") return "";
  return "  controller_optimizer: {type: Adam, lr: 0.001, betas: [0.5, 0.999]}\n";
}

std::string reference_document(const std::string& kind, const std::string& controller) {
  if (kind == "train") return kTrain;
  if (kind != "search") throw std::invalid_argument("aw_nas sample: kind must be search or train");
  const std::string type = aw_nas_controller_type(controller);
  return std::string(kSearchSpace) + controller_section(type) + kSearchComponents +
         controller_optimizer(type);
}

// The translation of `doc` as dotted path -> value text.
std::map<std::string, std::string> translated(const YAML::Node& doc, std::vector<std::string>* warnings) {
  YAML::Emitter emitter;
  emitter << doc;
  const AwNasTranslation t = translate_aw_nas_config(emitter.c_str(), "aw_nas sample");
  if (warnings) *warnings = t.warnings;
  std::map<std::string, std::string> flat;
  const auto walk = [&flat](const auto& self, const YAML::Node& node, const std::string& path) -> void {
    if (node.IsMap()) {
      for (const auto& item : node)
        self(self, item.second, (path.empty() ? "" : path + ".") + item.first.as<std::string>());
      return;
    }
    YAML::Emitter value;
    value << YAML::Flow << node;
    flat[path] = value.c_str();
  };
  walk(walk, YAML::Load(t.yaml), "");
  return flat;
}

// The BitNAS keys whose presence or value differs between two translations.
std::vector<std::string> differences(const std::map<std::string, std::string>& a,
                                     const std::map<std::string, std::string>& b) {
  std::vector<std::string> out;
  for (const auto& [path, value] : a)
    if (auto it = b.find(path); it == b.end() || it->second != value) out.push_back(path);
  for (const auto& [path, value] : b)
    if (!a.count(path)) out.push_back(path);
  return out;
}

// A different value of the same kind (a number + 1, a flipped boolean, a list with its first
// element changed), or null: what a key sets when its value equals the default it falls back
// to, so that leaving it out changes nothing.
YAML::Node changed(const YAML::Node& value) {
  if (value.IsSequence() && value.size() > 0) {
    const YAML::Node first = changed(value[0]);
    if (first.IsNull()) return first;
    YAML::Node out = YAML::Clone(value);
    out[0] = first;
    return out;
  }
  if (!value.IsScalar()) return YAML::Node(YAML::NodeType::Null);
  const std::string text = value.Scalar();
  if (text == "true" || text == "false") return YAML::Node(text == "true" ? "false" : "true");
  try {
    std::size_t used = 0;
    const long long n = std::stoll(text, &used);
    if (used == text.size()) return YAML::Node(n + 1);
    const double d = std::stod(text, &used);
    if (used == text.size()) return YAML::Node(d * 2.0 + 0.5);
  } catch (const std::exception&) {
  }
  return YAML::Node(YAML::NodeType::Null);
}

std::string section_of(const std::string& path) {
  const auto dot = path.find('.');
  return dot == std::string::npos ? "" : path.substr(0, dot);
}

}  // namespace

std::string aw_nas_controller_type(const std::string& bitnas_controller) {
  if (bitnas_controller == "random") return "random_sample";
  if (bitnas_controller == "evolution") return "evo";
  if (bitnas_controller == "reinforce") return "rl";
  if (bitnas_controller == "differentiable") return "differentiable";
  throw std::invalid_argument("aw_nas sample: controller '" + bitnas_controller +
                              "' (random, evolution, reinforce or differentiable)");
}

std::vector<AwNasSampleKey> aw_nas_sample_keys(const std::string& kind,
                                               const std::string& controller) {
  const YAML::Node doc = YAML::Load(reference_document(kind, controller));
  std::vector<std::string> warnings;
  std::map<std::string, std::string> whole;
  std::vector<AwNasKeyUse> uses;
  {
    AwNasKeyRecording recording;
    whole = translated(doc, &warnings);
    uses = recording.uses();
  }
  if (!warnings.empty()) {
    std::string text;
    for (const std::string& w : warnings) text += "\n  " + w;
    throw std::logic_error("the aw_nas sample (aw_nas_compat/aw_nas_sample.cpp) no longer "
                           "translates cleanly:" + text);
  }
  std::map<std::string, std::string> ignored;
  for (const AwNasKeyUse& use : uses)
    if (!use.ignored.empty()) ignored[use.path] = use.ignored;

  std::vector<AwNasSampleKey> keys;
  // `edit(document)` removes or changes the key in a copy of the reference.
  const auto probe = [&](const std::function<void(YAML::Node&)>& edit, bool& failed) {
    YAML::Node copy = YAML::Clone(doc);
    edit(copy);
    try {
      return differences(whole, translated(copy, nullptr));
    } catch (const ConfigError&) {
      failed = true;
      return std::vector<std::string>{};
    }
  };
  const auto describe = [&](const std::string& top, const std::string& name,
                            const YAML::Node& value) {
    const auto at = [&](YAML::Node& d) -> YAML::Node { return name.empty() ? d : d[top]; };
    const std::string key_name = name.empty() ? top : name;
    AwNasSampleKey key{name.empty() ? top : top + "." + name, YAML::Clone(value), {}, false, ""};
    key.targets = probe([&](YAML::Node& d) { at(d).remove(key_name); }, key.required);
    const YAML::Node other = changed(value);
    bool refused = false;
    if (key.targets.empty() && !other.IsNull())
      key.targets = probe([&](YAML::Node& d) { at(d)[key_name] = other; }, refused);
    keys.push_back(std::move(key));
  };
  for (const auto& item : doc) {
    const std::string top = item.first.as<std::string>();
    describe(top, "", item.second);
    if (!item.second.IsMap()) continue;
    for (const auto& inner : item.second) describe(top, inner.first.as<std::string>(), inner.second);
    // What the translator reads in this section that the reference leaves out.
    for (const AwNasKeyUse& use : uses) {
      if (section_of(use.path) != top || use.path.find('.', top.size() + 1) != std::string::npos ||
          item.second[use.path.substr(top.size() + 1)].IsDefined())
        continue;
      AwNasSampleKey key{use.path, YAML::Node(YAML::NodeType::Null), {}, false, use.ignored};
      keys.push_back(std::move(key));
    }
  }
  for (AwNasSampleKey& key : keys)
    if (auto it = ignored.find(key.path); it != ignored.end()) key.ignored = it->second;
  return keys;
}

}  // namespace bitnas

// search_space_cfg and the architecture keys of the model config -> `search_space` and
// `genotype` (aw_nas's cnn search space, examples/baselines/*.yaml, BNN search configs).
#include <algorithm>
#include <set>

#include "aw_nas_compat/aw_nas_names.hpp"
#include "aw_nas_compat/aw_nas_translation.hpp"
#include "search_spaces/genotype_parser.hpp"
#include "search_spaces/genotype_printer.hpp"
#include "search_spaces/op_registry.hpp"
#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

namespace {

// aw_nas's defaults where its config may leave a key out.
const std::vector<std::string> kDefaultPrimitives = {
    "none", "max_pool_3x3", "avg_pool_3x3", "skip_connect",
    "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"};

YAML::Node flow(YAML::Node node) {
  node.SetStyle(YAML::EmitterStyle::Flow);
  return node;
}

YAML::Node int_list(const std::vector<int>& values) {
  YAML::Node node(YAML::NodeType::Sequence);
  for (int v : values) node.push_back(v);
  return flow(node);
}

int int_value(AwNasSection& s, const std::string& key, const YAML::Node& value) {
  try {
    return value.as<int>();
  } catch (const YAML::Exception&) {
    s.fail(key, "expected an integer, got '" + scalar_text(value) + "'");
  }
}

std::vector<int> int_list_value(AwNasSection& s, const std::string& key, const YAML::Node& value) {
  try {
    return value.as<std::vector<int>>();
  } catch (const YAML::Exception&) {
    s.fail(key, "expected a list of integers");
  }
}

std::vector<std::string> string_list_value(AwNasSection& s, const std::string& key,
                                           const YAML::Node& value) {
  if (value.IsScalar()) return {value.Scalar()};
  try {
    return value.as<std::vector<std::string>>();
  } catch (const YAML::Exception&) {
    s.fail(key, "expected a name or a list of names");
  }
}

// aw_nas's default layout of a two-group space: reduce cells at 1/3 and 2/3 of the depth.
std::vector<int> default_cell_layout(int num_layers) {
  std::vector<int> layout(static_cast<std::size_t>(num_layers), 0);
  layout[static_cast<std::size_t>(num_layers / 3)] = 1;
  layout[static_cast<std::size_t>(2 * num_layers / 3)] = 1;
  return layout;
}

// The genotype with every op renamed to its BitNAS op; caveats become warnings at `key`.
Genotype translate_genotype_ops(Genotype genotype, AwNasSection& s, const std::string& key) {
  std::set<std::string> warned;
  for (CellGenotype& cell : genotype.cells)
    for (GenotypeEdge& edge : cell.edges) {
      const auto op = translate_op_name(edge.op);
      if (!op) s.fail(key, "op '" + edge.op + "' has no BitNAS counterpart (bitnas ops lists them)");
      if (!op->caveat.empty() && warned.insert(edge.op).second)
        s.warn(key, "'" + edge.op + "': " + op->caveat);
      edge.op = op->bitnas_name;
    }
  return genotype;
}

// The binary knobs aw_nas's ops carry (aw_nas/ops/bnn_ops.py): the XNOR ResNet block scales
// weights per output channel, the search ops per tensor; all clip latent weights and pass
// gradients where |x| <= 1.3. BitNAS has one setting per space, so a mix is warned about.
YAML::Node binary_settings(const std::vector<std::string>& ops, AwNasSection& s,
                           const std::string& key) {
  bool block = false, other_binary = false, bireal = false;
  for (const std::string& op : ops) {
    if (canonical_op_name(op) == "xnor_resnet_block") block = true;
    else if (op_info(op).is_binary) other_binary = true;
    if (op.rfind("bireal_", 0) == 0) bireal = true;
  }
  if (block && other_binary)
    s.warn(key, "aw_nas sets weight scaling per op (xnor_resnet_block per channel, the search "
                "ops per tensor); BitNAS has one setting per space and uses the block's "
                "(weight_scale: channel) for every op");
  if (bireal)
    s.warn(key, "aw_nas's bireal_* ops use the conv_bn_relu layer order; BitNAS has one layer "
                "order per space and uses bn_conv_relu (set binary_op.layer_order to change it)");
  YAML::Node b;
  b["layer_order"] = "bn_conv_relu";
  b["pad_mode"] = "zero";
  b["weight_scale"] = block ? "channel" : "tensor";
  b["scale_gradient"] = "stop";
  b["activation_scale"] = "none";
  b["activation_ste"] = "ste";
  b["ste_threshold"] = 1.3;
  b["weight_ste"] = "clip";
  b["output_offset"] = "none";
  return b;
}

// The primitives of the space: the listed ones, translated and deduplicated, plus any op the
// genotype uses that the list lacks (aw_nas baselines list a placeholder `[none]`).
std::vector<std::string> translate_primitives(AwNasSection& s, const Genotype* genotype) {
  const YAML::Node listed = s.take("shared_primitives");
  const std::vector<std::string> names =
      is_unset(listed) ? kDefaultPrimitives : string_list_value(s, "shared_primitives", listed);
  std::vector<std::string> out;
  std::set<std::string> canonical;
  for (const std::string& name : names) {
    const auto op = translate_op_name(name);
    if (!op) {
      s.warn("shared_primitives", "'" + name + "' has no BitNAS op; left out of the primitives");
      continue;
    }
    if (!op->caveat.empty()) s.warn("shared_primitives", "'" + name + "': " + op->caveat);
    if (!canonical.insert(canonical_op_name(op->bitnas_name)).second) {
      s.warn("shared_primitives", "'" + name + "' becomes " + op->bitnas_name +
                                      ", already listed; listed once");
      continue;
    }
    out.push_back(op->bitnas_name);
  }
  if (genotype) {
    std::vector<std::string> added;
    for (const CellGenotype& cell : genotype->cells)
      for (const GenotypeEdge& e : cell.edges)
        if (canonical.insert(canonical_op_name(e.op)).second) {
          out.push_back(e.op);
          added.push_back(e.op);
        }
    if (!added.empty()) {
      std::string list;
      for (const auto& a : added) list += (list.empty() ? "" : ", ") + a;
      s.warn("shared_primitives", "does not list " + list +
                                      ", which the genotype uses; added to the primitives");
    }
  }
  if (out.empty()) s.fail("shared_primitives", "no op of the list exists in BitNAS");
  return out;
}

}  // namespace

void translate_search_space(AwNasTranslationState& st) {
  const std::string type = scalar_text(st.root["search_space_type"]);
  if (!type.empty() && type != "cnn")
    throw ConfigError(st.file + ": search_space_type: '" + type +
                      "' is not translated; BitNAS has aw_nas's cell space `cnn` only");
  AwNasSection s = st.section("search_space_cfg");
  YAML::Node space;
  for (const char* key : {"num_cell_groups", "num_init_nodes", "num_layers"})
    if (!is_unset(s.take(key))) space[key] = YAML::Clone(s.take(key));
  const int groups = s.has("num_cell_groups") ? int_value(s, "num_cell_groups", s.take("num_cell_groups")) : 2;
  const int layers = s.has("num_layers") ? int_value(s, "num_layers", s.take("num_layers")) : 8;
  // BitNAS's own bounds, checked before the default layout is allocated.
  if (layers < 1 || layers > 256) s.fail("num_layers", "must be in [1, 256]");

  const YAML::Node layout_node = s.take("cell_layout");
  std::vector<int> layout;
  if (is_unset(layout_node)) {
    if (groups != 2)
      s.fail("cell_layout", "must be given when num_cell_groups is not 2 (as in aw_nas)");
    layout = default_cell_layout(layers);  // aw_nas's rule for `cell_layout: null`
  } else {
    layout = int_list_value(s, "cell_layout", layout_node);
  }
  space["cell_layout"] = int_list(layout);
  const YAML::Node reduce_node = s.take("reduce_cell_groups");
  const std::vector<int> reduce =
      is_unset(reduce_node) ? std::vector<int>{1} : int_list_value(s, "reduce_cell_groups", reduce_node);
  space["reduce_cell_groups"] = int_list(reduce);
  for (const char* key : {"num_steps", "num_node_inputs"})
    if (!is_unset(s.take(key))) space[key] = YAML::Clone(s.take(key));

  // The model config holds the genotype and the network's widths and stem.
  const bool final_model = st.root["final_model_cfg"].IsDefined() || st.root["final_model_type"].IsDefined();
  const std::string model_type = scalar_text(st.root["final_model_type"]);
  if (!model_type.empty() && model_type != "cnn_final_model" && model_type != "bnn_final_model")
    AwNasSection(st.root, "", st.file, st.warnings)
        .warn("final_model_type", "'" + model_type + "' is read as a cnn_final_model (BitNAS's "
                                  "network of cells)");
  AwNasSection m = st.section(final_model ? "final_model_cfg" : "weights_manager_cfg");
  std::optional<Genotype> genotype;
  if (final_model) {
    const YAML::Node text = m.take("genotypes");
    if (!is_unset(text)) {
      try {
        genotype = translate_genotype_ops(parse_genotype(scalar_text(text)), m, "genotypes");
      } catch (const GenotypeParseError& e) {
        m.fail("genotypes", e.what());
      }
    }
  }
  const std::vector<std::string> primitives = translate_primitives(s, genotype ? &*genotype : nullptr);
  YAML::Node prims(YAML::NodeType::Sequence);
  for (const auto& p : primitives) prims.push_back(p);
  space["primitives"] = flow(prims);
  for (const char* key : {"concat_op", "concat_nodes", "loose_end"})
    if (!is_unset(s.take(key))) space[key] = YAML::Clone(s.take(key));
  s.ignore("cell_shared_primitives", {}, "BitNAS cells of every group share one primitive list");
  s.ignore("derive_without_none_op", {"false"},
           "BitNAS derives from what the controller sampled; list no `none` to avoid it");
  s.warn_about_untranslated_keys();

  // Widths: aw_nas's stem outputs stem_multiplier * init_channels, and a cell's width doubles
  // at each reduce cell unless layer_channels lists them; BitNAS writes them all out.
  const YAML::Node init_node = m.take("init_channels");
  const YAML::Node multiplier_node = m.take("stem_multiplier");
  const int init = is_unset(init_node) ? (final_model ? 36 : 16) : int_value(m, "init_channels", init_node);
  const int multiplier = is_unset(multiplier_node) ? 3 : int_value(m, "stem_multiplier", multiplier_node);
  constexpr int kMaxChannels = 4'096;  // BitNAS's bound on any width
  if (init < 1 || init > kMaxChannels) m.fail("init_channels", "must be in [1, 4096]");
  if (multiplier < 1 || multiplier > kMaxChannels / init)
    m.fail("stem_multiplier", "stem_multiplier * init_channels must be in [1, 4096]");
  const YAML::Node channels_node = m.take("layer_channels");
  if (!is_unset(channels_node)) {
    const std::vector<int> channels = int_list_value(m, "layer_channels", channels_node);
    if (!channels.empty() && channels.front() != multiplier * init &&
        (!is_unset(init_node) || !is_unset(multiplier_node)))
      m.warn("layer_channels", "the stem width is layer_channels[0] = " +
                                   std::to_string(channels.front()) +
                                   " in BitNAS, not stem_multiplier * init_channels = " +
                                   std::to_string(multiplier * init));
    space["layer_channels"] = int_list(channels);
  } else {
    std::vector<int> channels{multiplier * init};
    int width = init;
    for (int group : layout) {
      if (std::find(reduce.begin(), reduce.end(), group) != reduce.end()) width *= 2;
      if (width > kMaxChannels)
        m.fail("init_channels", "doubles at the reduce cells beyond 4096 channels");
      channels.push_back(width);
    }
    space["layer_channels"] = int_list(channels);
  }

  const YAML::Node stem_node = m.take("use_stem");
  const std::vector<std::string> stem =
      is_unset(stem_node) ? std::vector<std::string>{"conv_bn_3x3"} : string_list_value(m, "use_stem", stem_node);
  const auto stem_translation = translate_stem(stem);
  if (!stem_translation)
    m.warn("use_stem", "has no BitNAS stem; conv_bn_relu_3x3 is used (BitNAS stems: "
                       "conv_bn_relu_3x3, imagenet_stem0, [imagenet_stem0_7x7, max_pool_3x3])");
  else if (!stem_translation->caveat.empty())
    m.warn("use_stem", stem_translation->caveat);
  const std::string bitnas_stem = stem_translation ? stem_translation->bitnas_name : "conv_bn_relu_3x3";
  space["stem"] = bitnas_stem;
  // The 7x7 stem's max pool is aw_nas's max_pool_3x3 at stem_stride 2.
  if (bitnas_stem == "imagenet_7x7_maxpool")
    m.ignore("stem_stride", {"2"}, "the max pool of this stem has stride 2");
  else
    m.ignore("stem_stride", {"1"}, "BitNAS stems have fixed strides");
  m.ignore("stem_affine", {"true"}, "BitNAS stem BNs are affine");

  const YAML::Node preprocess = m.take("cell_use_preprocess");
  space["preprocess"] = scalar_text(preprocess) == "false" ? "identity" : "darts";
  m.ignore("cell_preprocess_normal", {"relu_conv_bn_1x1"},
           "BitNAS's darts preprocess is ReLU -> FP conv 1x1 -> BN");
  m.ignore("cell_preprocess_stride", {"skip_connect"},
           "BitNAS's darts preprocess reduces with a factorized reduce");
  m.ignore("preprocess_op_type", {}, "BitNAS's darts preprocess is ReLU -> FP conv 1x1 -> BN");
  const YAML::Node shortcut = m.take("cell_use_shortcut");
  if (scalar_text(shortcut) == "true") space["cell_shortcut"] = true;
  m.ignore("cell_shortcut_op_type", {"skip_connect"},
           "BitNAS's cell shortcut is identity or the space's downsample");
  space["downsample"] = "fp_conv";  // aw_nas's default ResNet shortcut: FP conv 1x1 -> BN -> ReLU
  space["head_relu"] = false;
  space["binary_op"] = binary_settings(primitives, s, "shared_primitives");
  st.out["search_space"] = space;
  if (genotype) st.out["genotype"] = to_string(*genotype);

  const YAML::Node classes = m.take("num_classes");
  const int dataset_count = dataset_classes(scalar_text(st.root["dataset_type"]));
  if (!is_unset(classes) && int_value(m, "num_classes", classes) != (dataset_count ? dataset_count : 10))
    m.warn("num_classes", "BitNAS takes the class count from the dataset (`bitnas describe "
                          "--classes N` for costs)");
  for (const char* key : {"dropout_rate", "dropout_path_rate"})
    m.ignore(key, {"0", "0.0"}, "BitNAS networks have no dropout");
  m.ignore("auxiliary_head", {"false"}, "BitNAS networks have no auxiliary head");
  m.ignore("auxiliary_cfg", {}, "BitNAS networks have no auxiliary head");
  m.ignore("no_fc", {"false"}, "BitNAS networks end in an FC");
  m.ignore("cell_pool_batchnorm", {"false"}, "BitNAS pools have no BN");
  m.ignore("cell_independent_conn", {"false"}, "BitNAS cells connect as the genotype says");
  m.ignore("cell_group_kwargs", {}, "widths come from layer_channels");
  m.ignore("schedule_cfg", {}, "BitNAS has no scheduled attributes");
  m.ignore("rollout_type", {"discrete", "differentiable"}, "BitNAS rollouts are genotypes");
  m.ignore("gpus", {}, "BitNAS runs on CPU threads (--threads)");
  if (!final_model) {
    const YAML::Node clip = m.take("max_grad_norm");
    if (!is_unset(clip)) st.out["weights_manager"]["grad_clip"] = YAML::Clone(clip);
  }
  m.warn_about_untranslated_keys();
}

}  // namespace bitnas

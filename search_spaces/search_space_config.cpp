#include "search_spaces/search_space_config.hpp"

#include <algorithm>
#include <set>

#include "search_spaces/op_registry.hpp"

namespace bitnas {

const char* to_string(LayerOrder v) {
  switch (v) {
    case LayerOrder::bn_conv_relu: return "bn_conv_relu";
    case LayerOrder::conv_bn_relu: return "conv_bn_relu";
    case LayerOrder::sign_conv_bn: return "sign_conv_bn";
    case LayerOrder::bn_relu_conv: return "bn_relu_conv";
  }
  return "?";
}

const char* to_string(ConcatOp v) {
  switch (v) {
    case ConcatOp::concat: return "concat";
    case ConcatOp::sum: return "sum";
    case ConcatOp::mean: return "mean";
  }
  return "?";
}

const char* to_string(StemKind v) {
  switch (v) {
    case StemKind::conv_bn_relu_3x3: return "conv_bn_relu_3x3";
    case StemKind::imagenet_stem0: return "imagenet_stem0";
    case StemKind::imagenet_7x7_maxpool: return "imagenet_7x7_maxpool";
    case StemKind::bmxnet_thumbnail: return "bmxnet_thumbnail";
    case StemKind::bmxnet_imagenet: return "bmxnet_imagenet";
    case StemKind::bmxnet_grouped: return "bmxnet_grouped";
  }
  return "?";
}

const char* to_string(Downsample v) {
  switch (v) {
    case Downsample::fp_conv: return "fp_conv";
    case Downsample::avgpool: return "avgpool";
    case Downsample::binary_conv: return "binary_conv";
    case Downsample::binary_factorized: return "binary_factorized";
    case Downsample::avgpool_fp_conv: return "avgpool_fp_conv";
    case Downsample::avgpool_binary_conv: return "avgpool_binary_conv";
  }
  return "?";
}

const char* to_string(Preprocess v) {
  switch (v) {
    case Preprocess::identity: return "identity";
    case Preprocess::darts: return "darts";
    case Preprocess::binary: return "binary";
  }
  return "?";
}

namespace {

// Reads an enum by its to_string name, listing every valid name on error.
template <typename Enum, std::size_t N>
Enum get_enum(const ConfigSection& s, const std::string& key, const Enum (&values)[N],
              Enum fallback) {
  std::vector<std::string> names;
  for (Enum v : values) names.push_back(to_string(v));
  const std::string chosen = s.get_choice(key, names, to_string(fallback));
  for (Enum v : values)
    if (chosen == to_string(v)) return v;
  return fallback;
}

// Converts a knob parser's std::invalid_argument into a located config error.
template <typename Parse>
auto parse_knob(const ConfigSection& s, const std::string& key, const std::string& fallback,
                Parse parse) {
  const std::string value = s.get_string(key, fallback);
  try {
    return parse(value);
  } catch (const std::invalid_argument& e) {
    s.fail(key, e.what());
  }
}

BinaryOpSettings parse_binary_settings(const ConfigSection& s) {
  BinaryOpSettings b;
  constexpr LayerOrder orders[] = {LayerOrder::bn_conv_relu, LayerOrder::conv_bn_relu,
                                   LayerOrder::sign_conv_bn, LayerOrder::bn_relu_conv};
  b.layer_order = get_enum(s, "layer_order", orders, LayerOrder::bn_conv_relu);
  b.conv.pad_mode = parse_knob(s, "pad_mode", "zero", parse_pad_mode);
  b.conv.weight_scale = parse_knob(s, "weight_scale", "none", parse_weight_scale);
  b.conv.scale_gradient = parse_knob(s, "scale_gradient", "stop", parse_scale_gradient);
  b.conv.activation_scale = parse_knob(s, "activation_scale", "none", parse_activation_scale);
  b.conv.activation_ste = parse_knob(s, "activation_ste", "ste", parse_activation_ste);
  b.conv.ste_threshold = static_cast<float>(s.get_double_in("ste_threshold", 1.0, 1e-6, 1e6));
  b.conv.weight_ste = parse_knob(s, "weight_ste", "identity", parse_weight_ste);
  b.conv.output_offset = parse_knob(s, "output_offset", "none", parse_output_offset);
  b.bn_eps = static_cast<float>(s.get_double_in("bn_eps", 1e-5, 1e-12, 1.0));
  s.reject_unknown_keys();
  return b;
}

// Upper bounds: far above any published cell space, low enough that a typo is refused before
// it asks for gigabytes (the supernet holds every op of every one of the
// num_steps * (num_steps + 2 * num_init_nodes - 1) / 2 edges of each cell).
constexpr int kMaxCellGroups = 64;
constexpr int kMaxInitNodes = 8;
constexpr int kMaxLayers = 256;
constexpr int kMaxSteps = 32;
constexpr int kMaxNodeInputs = 8;
constexpr int kMaxChannels = 4'096;

}  // namespace

bool SearchSpaceConfig::is_reduce_group(int group) const {
  return std::find(reduce_cell_groups.begin(), reduce_cell_groups.end(), group) !=
         reduce_cell_groups.end();
}

SearchSpaceConfig parse_search_space(const ConfigSection& s) {
  SearchSpaceConfig c;
  c.source = s.file();
  c.num_cell_groups = s.get_int_in("num_cell_groups", 2, 1, kMaxCellGroups);
  c.num_init_nodes = s.get_int_in("num_init_nodes", 2, 1, kMaxInitNodes);
  c.num_layers = s.get_int_in("num_layers", 8, 1, kMaxLayers);

  c.cell_layout = s.get_int_list("cell_layout");
  if (static_cast<int>(c.cell_layout.size()) != c.num_layers)
    s.fail("cell_layout", "has " + std::to_string(c.cell_layout.size()) +
                              " entries but num_layers is " + std::to_string(c.num_layers));
  for (std::size_t i = 0; i < c.cell_layout.size(); ++i)
    if (c.cell_layout[i] < 0 || c.cell_layout[i] >= c.num_cell_groups)
      s.fail("cell_layout", "entry " + std::to_string(i) + " is group " +
                                std::to_string(c.cell_layout[i]) + ", but groups are 0.." +
                                std::to_string(c.num_cell_groups - 1));

  c.reduce_cell_groups = s.get_int_list("reduce_cell_groups", {1});
  for (int g : c.reduce_cell_groups)
    if (g < 0 || g >= c.num_cell_groups)
      s.fail("reduce_cell_groups", "group " + std::to_string(g) + " does not exist (groups are 0.." +
                                       std::to_string(c.num_cell_groups - 1) + ")");

  c.num_steps = s.get_int_in("num_steps", 4, 1, kMaxSteps);
  c.num_node_inputs = s.get_int_in("num_node_inputs", 2, 1, kMaxNodeInputs);

  c.primitives = s.get_string_list("primitives");
  if (c.primitives.empty()) s.fail("primitives", "must list at least one op");
  std::set<std::string> seen;
  for (const auto& p : c.primitives) {
    if (!is_known_op(p)) {
      try {
        canonical_op_name(p);  // its message lists the known ops
      } catch (const std::invalid_argument& e) {
        s.fail("primitives", e.what());
      }
    }
    if (!seen.insert(canonical_op_name(p)).second)
      s.fail("primitives", "'" + p + "' is listed twice");
  }
  if (seen.size() == 1 && seen.count("none"))
    s.fail("primitives", "'none' alone makes every cell output zeros; list at least one other op");

  constexpr ConcatOp concat_ops[] = {ConcatOp::concat, ConcatOp::sum, ConcatOp::mean};
  c.concat_op = get_enum(s, "concat_op", concat_ops, ConcatOp::concat);
  c.loose_end = s.get_bool("loose_end", false);
  c.concat_nodes = s.get_optional_int_list("concat_nodes");
  if (c.concat_nodes) {
    if (c.loose_end) s.fail("concat_nodes", "cannot be combined with loose_end: true");
    const int first = c.num_init_nodes, last = c.num_init_nodes + c.num_steps - 1;
    if (c.concat_nodes->empty()) s.fail("concat_nodes", "must not be empty");
    for (int n : *c.concat_nodes)
      if (n < first || n > last)
        s.fail("concat_nodes", "node " + std::to_string(n) + " is not an internal node (" +
                                   std::to_string(first) + ".." + std::to_string(last) + ")");
  }

  const bool has_init = s.has("init_channels");
  const std::optional<std::vector<int>> layer_channels = s.get_optional_int_list("layer_channels");
  if (has_init && layer_channels)
    s.fail("layer_channels", "give either init_channels or layer_channels, not both");
  if (layer_channels) {
    c.layer_channels = *layer_channels;
    if (static_cast<int>(c.layer_channels.size()) != c.num_layers + 1)
      s.fail("layer_channels", "has " + std::to_string(c.layer_channels.size()) +
                                   " entries but needs num_layers + 1 = " +
                                   std::to_string(c.num_layers + 1) + " (stem, then each cell)");
    for (int w : c.layer_channels)
      if (w < 1 || w > kMaxChannels)
        s.fail("layer_channels", "widths must be in [1, " + std::to_string(kMaxChannels) +
                                     "], got " + std::to_string(w));
  } else {
    const int init = s.get_int_in("init_channels", 16, 1, kMaxChannels);
    c.layer_channels.push_back(init);
    int width = init;
    for (int layer = 0; layer < c.num_layers; ++layer) {
      if (c.is_reduce_group(c.cell_layout[layer])) width *= 2;
      if (width > kMaxChannels)
        s.fail("init_channels", std::to_string(init) + " doubles at each reduce cell to " +
                                    std::to_string(width) + " channels in layer " +
                                    std::to_string(layer) + ", above the limit of " +
                                    std::to_string(kMaxChannels));
      c.layer_channels.push_back(width);
    }
  }

  constexpr StemKind stems[] = {StemKind::conv_bn_relu_3x3, StemKind::imagenet_stem0,
                                StemKind::imagenet_7x7_maxpool,
                                StemKind::bmxnet_thumbnail, StemKind::bmxnet_imagenet,
                                StemKind::bmxnet_grouped};
  c.stem = get_enum(s, "stem", stems, StemKind::conv_bn_relu_3x3);
  constexpr Preprocess preprocesses[] = {Preprocess::identity, Preprocess::darts,
                                        Preprocess::binary};
  c.preprocess = get_enum(s, "preprocess", preprocesses, Preprocess::darts);
  c.cell_shortcut = s.get_bool("cell_shortcut", false);
  constexpr Downsample downsamples[] = {Downsample::fp_conv, Downsample::avgpool,
                                        Downsample::binary_conv, Downsample::binary_factorized,
                                        Downsample::avgpool_fp_conv,
                                        Downsample::avgpool_binary_conv};
  c.downsample = get_enum(s, "downsample", downsamples, Downsample::fp_conv);
  c.head_relu = s.get_bool("head_relu", false);
  if (auto b = s.optional_section("binary_op")) c.binary = parse_binary_settings(*b);
  s.reject_unknown_keys();
  return c;
}

SearchSpaceConfig load_search_space(const std::string& path) {
  return parse_search_space(ConfigSection::load_file(path).section("search_space"));
}

}  // namespace bitnas

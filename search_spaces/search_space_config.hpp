#pragma once
// The `search_space` section of a BitNAS YAML file, with aw_nas's key names (docs/DESIGN.md, The
// cell space), parsed once into an immutable, validated struct. Widths: `layer_channels` lists the
// stem's output width and then each cell's node width C (num_layers + 1 entries); `init_channels`
// instead derives them, doubling C at every reduce cell.
#include <optional>
#include <string>
#include <vector>

#include "ops/layers/binary_conv_options.hpp"
#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

// Where BN, sign, ReLU and the op's own shortcut sit around a binary conv (docs/DESIGN.md, Layer
// orders).
enum class LayerOrder { bn_conv_relu, conv_bn_relu, sign_conv_bn, bn_relu_conv };
enum class ConcatOp { concat, sum, mean };
enum class StemKind {
  conv_bn_relu_3x3,   // aw_nas small-image stem
  imagenet_stem0,     // aw_nas ImageNet stem (two 3x3 stride-2 convs)
  imagenet_7x7_maxpool,  // ResNet's ImageNet stem (7x7 s2, BN, ReLU, max pool)
  bmxnet_thumbnail,   // BMXNet small-image stem
  bmxnet_imagenet,    // BMXNet ImageNet stem (7x7 s2, max pool)
  bmxnet_grouped,     // BMXNet grouped stem
};
// How a shortcut crosses a stride-2 (and widening) boundary (docs/DESIGN.md, Shortcuts and
// downsamples).
enum class Downsample {
  fp_conv,              // FP Conv1x1 s2 -> BN -> ReLU (aw_nas default)
  avgpool,              // AvgPool k1 s2, zero channels appended (ResNet option A)
  binary_conv,          // binary 3x3 s2 in the space's layer order
  binary_factorized,    // two binary 3x3 s2 convs (second on the shifted input), concatenated
  avgpool_fp_conv,      // AvgPool2x2 s2 -> FP Conv1x1 -> BN (BMXNet's best)
  avgpool_binary_conv,  // AvgPool2x2 s2 -> binary Conv1x1 -> BN (BMXNet variant)
};
// How each cell input is mapped to the cell width C: not at all (the baselines), or DARTS
// style (a 1x1 op when only the width differs, a factorized reduce when the input is
// spatially larger) with full-precision (`darts`) or binary (`binary`) convolutions.
enum class Preprocess { identity, darts, binary };

const char* to_string(LayerOrder v);
const char* to_string(ConcatOp v);
const char* to_string(StemKind v);
const char* to_string(Downsample v);
const char* to_string(Preprocess v);

// Settings every binary op of the space shares.
struct BinaryOpSettings {
  bool operator==(const BinaryOpSettings&) const = default;
  LayerOrder layer_order = LayerOrder::bn_conv_relu;
  BinaryConv2dOptions conv;  // kernel/stride/padding/dilation/groups are set per op
  float bn_eps = 1e-5f;
};

struct SearchSpaceConfig {
  bool operator==(const SearchSpaceConfig&) const = default;
  std::string source;  // file the section came from, for messages
  int num_cell_groups = 2;
  int num_init_nodes = 2;
  int num_layers = 8;
  std::vector<int> cell_layout;
  std::vector<int> reduce_cell_groups{1};
  int num_steps = 4;
  int num_node_inputs = 2;
  std::vector<std::string> primitives;
  ConcatOp concat_op = ConcatOp::concat;
  std::optional<std::vector<int>> concat_nodes;
  bool loose_end = false;
  std::vector<int> layer_channels;  // resolved: num_layers + 1 entries
  StemKind stem = StemKind::conv_bn_relu_3x3;
  Preprocess preprocess = Preprocess::darts;
  bool cell_shortcut = false;
  Downsample downsample = Downsample::fp_conv;
  bool head_relu = false;
  BinaryOpSettings binary;

  bool is_reduce_group(int group) const;
  bool is_reduce_layer(int layer) const { return is_reduce_group(cell_layout.at(layer)); }
  int stem_channels() const { return layer_channels.front(); }
  int cell_channels(int layer) const { return layer_channels.at(layer + 1); }
};

// Parses and validates a `search_space` section; every error names file, line and key.
SearchSpaceConfig parse_search_space(const ConfigSection& section);
// Convenience: the `search_space` section of a YAML file.
SearchSpaceConfig load_search_space(const std::string& path);

}  // namespace bitnas

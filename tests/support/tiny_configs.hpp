#pragma once
// Small search and training configs over the synthetic quadrant data set
// (quadrant_dataset.hpp): runs of a few seconds for end-to-end tests.
#include <string>

namespace bitnas::testing {

inline std::string tiny_search_yaml(const std::string& data_dir, const std::string& controller) {
  return R"(search_space:
  num_cell_groups: 2
  num_init_nodes: 1
  num_layers: 2
  cell_layout: [0, 1]
  num_steps: 2
  num_node_inputs: 1
  primitives: [bconv_3x3, skip_connect, avg_pool_3x3, none]
  layer_channels: [4, 4, 8]
  preprocess: identity
data:
  dataset: idx
  dir: )" + data_dir + R"(
search:
  epochs: 2
  batch_size: 32
  controller_steps_per_epoch: 3
  samples_per_step: 2
  controller_fraction: 0.2
  derive_fraction: 0.2
  seed: 4
controller: )" + controller + R"(
evaluator: {batch_size: 48}
weights_manager:
  optimizer: {type: adam, lr: 0.01}
)";
}

inline std::string tiny_train_yaml(const std::string& data_dir, int epochs) {
  return R"(search_space:
  num_cell_groups: 2
  num_init_nodes: 1
  num_layers: 2
  cell_layout: [0, 1]
  num_steps: 2
  num_node_inputs: 1
  primitives: [bconv_3x3, skip_connect]
  layer_channels: [8, 8, 16]
  preprocess: identity
  binary_op: {weight_scale: channel, ste_threshold: 1.3, weight_ste: clip}
genotype: "normal_0=[('bconv_3x3', 0, 1), ('bconv_3x3', 1, 2)], reduce_1=[('bconv_3x3', 0, 1), ('skip_connect', 1, 2)]"
data:
  dataset: idx
  dir: )" + data_dir + R"(
  valid_fraction: 0.1
trainer:
  epochs: )" + std::to_string(epochs) + R"(
  batch_size: 32
  optimizer: {type: adam, lr: 0.01}
  lr_schedule: {type: cosine}
  seed: 3
)";
}

}  // namespace bitnas::testing

#include "search_spaces/memory_estimate.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "search_spaces/op_registry.hpp"
#include "search_spaces/stems.hpp"

namespace bitnas {

namespace {

constexpr int kProbeChannels = 8;
// Value, gradient and two optimizer moments (Adam) per parameter.
constexpr double kCopiesPerParameter = 4;
// An op's output and what it keeps for backward (its input's BN or sign), calibrated on
// configs/search/fmnist_darts.yaml: 8.1 GB measured, 10 GiB estimated (docs/RELIABILITY.md).
constexpr double kTensorsPerOp = 2;
// Backward's gradients take about as much as forward's saved tensors.
constexpr double kBackwardFactor = 2;

// Parameter values of `op` built at kProbeChannels channels (a few KiB at most).
double probe_parameters(const std::string& op, const SearchSpaceConfig& space) {
  Rng rng(0);
  const OpContext context{space, rng};
  const auto module = make_op(op, kProbeChannels, kProbeChannels, 1, context);
  double count = 0;
  for (const NamedParameter& p : module->parameters())
    count += static_cast<double>(p.param->value.numel());
  return count;
}

}  // namespace

MemoryEstimate estimate_memory(const SearchSpaceConfig& space, const InputSpec& input,
                               ModelKind kind, int batch_size, double data_bytes,
                               Workload workload) {
  const bool training = workload == Workload::training;
  // Every Parameter allocates its gradient; training adds two optimizer moments.
  const double copies_per_parameter = training ? kCopiesPerParameter : 2;
  const double tensors_per_op = training ? kTensorsPerOp : 1;
  const double backward_factor = training ? kBackwardFactor : 1;
  std::map<std::string, double> probe;
  double largest_op = 0;
  for (const std::string& op : space.primitives) {
    probe[op] = probe_parameters(op, space);
    largest_op = std::max(largest_op, probe[op]);
  }
  const bool supernet = kind != ModelKind::network;
  // A network's edge holds one primitive, taken to be the largest.
  double params_per_edge = largest_op;
  if (supernet) {
    params_per_edge = 0;
    for (const auto& [op, count] : probe) params_per_edge += count;
  }
  double candidate_edges = 0, path_edges = 0;  // per cell
  for (int j = 0; j < space.num_steps; ++j) {
    candidate_edges += space.num_init_nodes + j;
    path_edges += space.num_node_inputs;
  }
  const double held_edges = supernet ? candidate_edges : path_edges;
  const double run_ops = kind == ModelKind::supernet_all_ops
                             ? candidate_edges * static_cast<double>(space.primitives.size())
                             : path_edges;
  const double nodes = space.num_init_nodes + space.num_steps;

  MemoryEstimate e;
  double side = std::max(1.0, static_cast<double>(input.height) / stem_reduction(space.stem));
  double other_side = std::max(1.0, static_cast<double>(input.width) / stem_reduction(space.stem));
  double activation_floats = 0;
  for (int layer = 0; layer < space.num_layers; ++layer) {
    const double c = space.cell_channels(layer);
    const double ratio = c / kProbeChannels;
    e.parameter_bytes += held_edges * params_per_edge * std::max(ratio, ratio * ratio);
    activation_floats += (run_ops * tensors_per_op + nodes) * c * side * other_side;
    if (space.is_reduce_layer(layer)) {
      side = std::max(1.0, side / 2);
      other_side = std::max(1.0, other_side / 2);
    }
  }
  e.parameter_bytes *= copies_per_parameter * sizeof(float);
  e.activation_bytes =
      activation_floats * backward_factor * sizeof(float) * static_cast<double>(batch_size);
  e.data_bytes = data_bytes;
  return e;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 5) {
    bytes /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

}  // namespace bitnas

#pragma once
// A deliberately simple upper estimate of the memory a network or supernet of a search space
// needs to train, computed from the config alone (nothing is allocated), so a config that
// cannot fit is refused with the estimate before it exhausts the machine.
//
// - Parameters: each primitive is built once at 8 channels and its parameter values counted;
//   a cell op at C channels is taken to hold that count times max(C/8, (C/8)^2) (convolution
//   weights grow with C_in * C_out, BN with C). Each value is held 4 times (value, gradient,
//   two optimizer moments). A network has one op per edge, a supernet every primitive on every
//   candidate edge.
// - Activations of one training batch: every op output and node of every cell is a
//   C x H x W float tensor at the cell's input resolution (the stem's reduction applied,
//   halved after each reduce cell); an op keeps about 2 tensors of that size (its output and a saved input), and
//   backward needs as much again. A network and a supernet trained along one sampled path run
//   num_node_inputs ops per node; a differentiable supernet runs every primitive on every
//   candidate edge. Evaluation batches keep nothing for backward and are not counted.
// - Data: the dataset's bytes, given by the caller.
#include <cstdint>
#include <string>

#include "search_spaces/network.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas {

struct MemoryEstimate {
  double parameter_bytes = 0;
  double activation_bytes = 0;
  double data_bytes = 0;
  double total() const { return parameter_bytes + activation_bytes + data_bytes; }
};

enum class ModelKind {
  network,            // a fixed genotype
  supernet_path,      // every op held, one sampled path trained per step
  supernet_all_ops,   // every op held and run (DARTS / GDAS mixtures)
};

// Training keeps tensors for backward and optimizer state; inference (describe's forward)
// keeps each op's output only, and parameters with their gradient buffers.
enum class Workload { training, inference };

MemoryEstimate estimate_memory(const SearchSpaceConfig& space, const InputSpec& input,
                               ModelKind kind, int batch_size, double data_bytes,
                               Workload workload = Workload::training);

// "1.5 GiB", "320 MiB": the unit messages use.
std::string format_bytes(double bytes);

}  // namespace bitnas

#pragma once
// `bitnas bench train`: whole-network training steps and evaluation forwards of a baseline
// (xnor_resnet18, resnete18), for comparison with bench/torch_train.py.
#include <CLI/CLI.hpp>

namespace bitnas::cli {

// Adds the `train` subcommand to the `bench` subcommand.
void register_bench_train(CLI::App& bench);

}  // namespace bitnas::cli

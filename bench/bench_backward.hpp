#pragma once
// `bitnas bench backward`: the binary conv's backward (both GEMMs, im2col and col2im) in
// float32 against bfloat16 on the ResNet18 3x3 layers.
#include <CLI/CLI.hpp>

namespace bitnas::cli {

// Adds the `backward` subcommand to the `bench` subcommand.
void register_bench_backward(CLI::App& bench);

}  // namespace bitnas::cli

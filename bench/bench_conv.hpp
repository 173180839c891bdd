#pragma once
// `bitnas bench conv`: binary conv forward against the float conv on the ResNet18 3x3 layers.
#include <CLI/CLI.hpp>

namespace bitnas::cli {

// Adds the `conv` subcommand to the `bench` subcommand.
void register_bench_conv(CLI::App& bench);

}  // namespace bitnas::cli

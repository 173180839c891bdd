#pragma once
// `bitnas bench search`: the speed of a search on a fixed config: supernet training steps per
// second (a warm-up epoch) and genotype evaluations per second (a controller-only epoch on
// the frozen supernet, BN recalibration included), and the peak memory of the whole search.
#include <CLI/CLI.hpp>

namespace bitnas::cli {

// Adds the `search` subcommand to the `bench` subcommand.
void register_bench_search(CLI::App& bench);

}  // namespace bitnas::cli

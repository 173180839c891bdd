// `bitnas bench`: benchmark programs users run to compare machines (ncnn's benchncnn idea).
// Each benchmark reports ratios against a baseline measured in the same run.
#include "bench/bench_backward.hpp"
#include "bench/bench_conv.hpp"
#include "bench/bench_search.hpp"
#include "bench/bench_train.hpp"
#include "nas/commands.hpp"

namespace bitnas::cli {

void register_bench_command(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "benchmarks (ratios against a baseline in the same run)");
  bench->require_subcommand(1);
  register_bench_conv(*bench);
  register_bench_backward(*bench);
  register_bench_train(*bench);
  register_bench_search(*bench);
}

}  // namespace bitnas::cli

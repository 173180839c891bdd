#pragma once
// Each subcommand lives in its own file and registers itself on the top-level CLI11 app; the
// callback it installs runs the command and may throw (main turns exceptions into one line on
// stderr and exit code 1).
#include <CLI/CLI.hpp>

namespace bitnas::cli {

void register_version_command(CLI::App& app);
void register_bench_command(CLI::App& app);
void register_describe_command(CLI::App& app);
void register_plot_command(CLI::App& app);
void register_train_command(CLI::App& app);
void register_eval_command(CLI::App& app);
void register_search_command(CLI::App& app);
void register_derive_command(CLI::App& app);
void register_sample_command(CLI::App& app);
void register_query_command(CLI::App& app);
void register_ops_command(CLI::App& app);
void register_gen_sample_config_command(CLI::App& app);
void register_convert_config_command(CLI::App& app);
void register_report_command(CLI::App& app);

}  // namespace bitnas::cli

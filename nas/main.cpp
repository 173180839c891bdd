// bitnas: the one command-line program. Subcommands register themselves (nas/commands.hpp).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "nas/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"BitNAS: neural architecture search over binary (1-bit) neural networks."};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "show help for every subcommand");
  bitnas::cli::register_version_command(app);
  bitnas::cli::register_bench_command(app);
  bitnas::cli::register_describe_command(app);
  bitnas::cli::register_plot_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "bitnas: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

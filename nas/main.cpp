// bitnas: the one command-line program. Subcommands register themselves (nas/commands.hpp).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <iostream>

#include "evaluators/interrupt.hpp"
#include "nas/commands.hpp"

namespace {

// First Ctrl-C / SIGTERM: ask long loops to stop at the next batch (checkpoint and database
// stay consistent); a second one kills the process the usual way.
extern "C" void on_stop_signal(int signal) {
  bitnas::request_stop();
  std::signal(signal, SIG_DFL);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"BitNAS: neural architecture search over binary (1-bit) neural networks."};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "show help for every subcommand");
  bitnas::cli::register_version_command(app);
  bitnas::cli::register_bench_command(app);
  bitnas::cli::register_describe_command(app);
  bitnas::cli::register_plot_command(app);
  bitnas::cli::register_train_command(app);
  bitnas::cli::register_eval_command(app);
  bitnas::cli::register_search_command(app);
  bitnas::cli::register_derive_command(app);
  bitnas::cli::register_sample_command(app);
  bitnas::cli::register_query_command(app);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const bitnas::Interrupted&) {
    return 130;  // the command said what to do next
  } catch (const std::exception& e) {
    std::cerr << "bitnas: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

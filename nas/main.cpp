// bitnas: the one command-line program. Subcommands register themselves (nas/commands.hpp).
#include <CLI/CLI.hpp>
#include <exception>
#include <new>

#include "evaluators/interrupt.hpp"
#include "nas/commands.hpp"
#include "nas/stop_signals.hpp"
#include "nas/unknown_subcommand.hpp"
#include "ops/core/log.hpp"

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
  bitnas::cli::register_ops_command(app);
  bitnas::cli::register_gen_sample_config_command(app);
  bitnas::cli::register_convert_config_command(app);
  bitnas::cli::register_report_command(app);
  bitnas::cli::install_stop_signal_handlers();
  if (argc > 1)
    if (const auto message = bitnas::cli::unknown_subcommand_message(app, argv[1])) {
      bitnas::logger().error("bitnas: error: {}", *message);
      return 2;
    }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const bitnas::Interrupted&) {
    return 130;  // the command said what to do next
  } catch (const std::bad_alloc&) {
    // Sizes are bounded and estimated before allocation; this is what slipped through.
    bitnas::logger().error("bitnas: error: out of memory; lower the config's sizes (channels, "
                           "layers, batch_size) or free memory");
    return 1;
  } catch (const std::exception& e) {
    bitnas::logger().error("bitnas: error: {}", e.what());
    return 1;
  }
  return 0;
}

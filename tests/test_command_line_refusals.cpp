// Command-line flags that used to be accepted silently.
#include <gtest/gtest.h>

#include <algorithm>

#include "nas/commands.hpp"
#include "nas/unknown_subcommand.hpp"
#include "tests/support/error_text.hpp"

namespace bitnas {
namespace {

using testing::contains;

// The positional config must exist; the options under test are refused before it is read.
const std::string kAnyFile = __FILE__;

// The parse error CLI11 reports for `args` to a bitnas-like app, or "no parse error". When
// the options parse, the command runs and stops at kAnyFile, which is no YAML config.
std::string parse_error(std::vector<std::string> args) {
  CLI::App app;
  app.require_subcommand(1);
  cli::register_train_command(app);
  cli::register_search_command(app);
  cli::register_describe_command(app);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector in reverse order
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return e.what();
  } catch (const std::exception&) {
  }
  return "no parse error";
}

TEST(CommandLineRefusals, NoDbWithDb) {
  for (const char* command : {"train", "search"}) {
    const std::string message =
        parse_error({command, kAnyFile, "--no-db", "--db", "x.db"});
    EXPECT_TRUE(contains(message, "--db excludes --no-db")) << command << ": " << message;
  }
  EXPECT_EQ(parse_error({"train", kAnyFile, "--no-db"}), "no parse error");
}

TEST(CommandLineRefusals, ThreadsAboveTheBound) {
  for (const char* command : {"train", "search"}) {
    const std::string message =
        parse_error({command, kAnyFile, "--threads", "100000"});
    EXPECT_TRUE(contains(message, "--threads")) << message;
    EXPECT_TRUE(contains(message, "1024")) << message;
  }
}

TEST(CommandLineRefusals, MaxMemoryMustBeASize) {
  const std::string message =
      parse_error({"search", kAnyFile, "--max-memory", "lots"});
  EXPECT_TRUE(contains(message, "--max-memory 'lots'")) << message;
  EXPECT_EQ(parse_error({"search", kAnyFile, "--max-memory", "4G"}), "no parse error");
}

TEST(CommandLineRefusals, ClassesAboveTheBound) {
  const std::string message = parse_error({"describe", "resnete18", "--classes", "100000000"});
  EXPECT_TRUE(contains(message, "--classes")) << message;
}

TEST(CommandLineRefusals, UnknownSubcommandIsNamed) {
  CLI::App app;
  cli::register_train_command(app);
  cli::register_search_command(app);
  EXPECT_EQ(cli::unknown_subcommand_message(app, "serach"),
            "unknown subcommand 'serach' (subcommands: train, search)");
  EXPECT_EQ(cli::unknown_subcommand_message(app, "search"), std::nullopt);
  EXPECT_EQ(cli::unknown_subcommand_message(app, "--help"), std::nullopt);
}

}  // namespace
}  // namespace bitnas

// Signals always work: the first SIGINT/SIGTERM asks for a stop, a second ends the process at
// once, SIGPIPE asks for a stop instead of killing. Each case runs in a forked child (a death
// test), so the handlers never touch the test process itself.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "evaluators/interrupt.hpp"
#include "nas/stop_signals.hpp"

namespace bitnas {
namespace {

class StopSignals : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

// Exit code 3 when the first signal did not request a stop, 0 when the process survived.
[[noreturn]] void raise_and_report(int first, int second) {
  cli::install_stop_signal_handlers();
  ::raise(first);
  if (!stop_requested()) ::_exit(3);
  if (second != 0) ::raise(second);
  ::_exit(0);
}

TEST_F(StopSignals, FirstSigtermRequestsAStopAndTheProcessLives) {
  EXPECT_EXIT(raise_and_report(SIGTERM, 0), ::testing::ExitedWithCode(0), "");
  EXPECT_EXIT(raise_and_report(SIGINT, 0), ::testing::ExitedWithCode(0), "");
}

TEST_F(StopSignals, SecondSignalEndsAtOnce) {
  EXPECT_EXIT(raise_and_report(SIGTERM, SIGTERM), ::testing::KilledBySignal(SIGTERM), "");
  EXPECT_EXIT(raise_and_report(SIGINT, SIGTERM), ::testing::KilledBySignal(SIGTERM), "");
  EXPECT_EXIT(raise_and_report(SIGTERM, SIGINT), ::testing::KilledBySignal(SIGINT), "");
}

TEST_F(StopSignals, SigpipeRequestsAStopAndNeverCountsAsTheSecond) {
  EXPECT_EXIT(raise_and_report(SIGPIPE, SIGPIPE), ::testing::ExitedWithCode(0), "");
  EXPECT_EXIT(raise_and_report(SIGPIPE, SIGTERM), ::testing::ExitedWithCode(0), "");
}

// Writing into a pipe nobody reads: the write fails with EPIPE, the process lives on, and the
// run is asked to stop (so it is checkpointed and marked interrupted).
[[noreturn]] void write_to_closed_pipe() {
  cli::install_stop_signal_handlers();
  int fds[2];
  if (::pipe(fds) != 0) ::_exit(4);
  ::close(fds[0]);
  const char byte = 'x';
  const ssize_t written = ::write(fds[1], &byte, 1);
  ::_exit(written == -1 && errno == EPIPE && stop_requested() ? 0 : 5);
}

TEST_F(StopSignals, BrokenPipeEndsCleanly) {
  EXPECT_EXIT(write_to_closed_pipe(), ::testing::ExitedWithCode(0), "");
}

// A blocking call interrupted by the first signal returns EINTR instead of restarting.
[[noreturn]] void blocked_read_is_interrupted() {
  cli::install_stop_signal_handlers();
  int fds[2];
  if (::pipe(fds) != 0) ::_exit(4);
  ::alarm(0);
  if (::fork() == 0) {
    ::usleep(100'000);
    ::kill(::getppid(), SIGTERM);
    ::_exit(0);
  }
  char byte;
  const ssize_t got = ::read(fds[0], &byte, 1);  // no writer ever writes
  ::_exit(got == -1 && errno == EINTR && stop_requested() ? 0 : 6);
}

TEST_F(StopSignals, BlockingCallReturnsAfterTheFirstSignal) {
  EXPECT_EXIT(blocked_read_is_interrupted(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace bitnas

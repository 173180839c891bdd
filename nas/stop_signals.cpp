#include "nas/stop_signals.hpp"

#include <signal.h>

#include <atomic>

#include "evaluators/interrupt.hpp"

namespace bitnas::cli {

namespace {

std::atomic<int> stop_signals_seen{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int signal_number) {
  if (stop_signals_seen.fetch_add(1) == 0) {
    request_stop();
    return;
  }
  // Second stop: end now, reported as killed by this signal as the shell expects.
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

extern "C" void on_broken_pipe(int) { request_stop(); }

void install(int signal_number, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked call returns EINTR
  ::sigaction(signal_number, &action, nullptr);
}

}  // namespace

void install_stop_signal_handlers() {
  install(SIGINT, on_stop_signal);
  install(SIGTERM, on_stop_signal);
  install(SIGPIPE, on_broken_pipe);
}

}  // namespace bitnas::cli

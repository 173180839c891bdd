#pragma once
// How the command line reacts to signals, so a run always ends in a known state:
// - the first SIGINT or SIGTERM asks long loops to stop at the next batch (request_stop());
//   the run is checkpointed and marked interrupted;
// - a second one (of either) ends the process at once, with that signal;
// - SIGPIPE (the reader of our output went away, e.g. `| head`) also asks for a stop instead
//   of killing the process mid-write, and the failed write returns EPIPE; it never counts as
//   the second signal, since every later write raises it again.
// Handlers are installed without SA_RESTART, so a blocking system call returns EINTR instead
// of silently restarting after the first signal.
namespace bitnas::cli {

void install_stop_signal_handlers();

}  // namespace bitnas::cli

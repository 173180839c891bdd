#pragma once
// Renders TrainingProgress for a person: on a terminal, one line per epoch rewritten in place
// (at most every 0.2 s); elsewhere (CI logs, pipes) a plain line per epoch; with quiet, only
// messages that are warnings. Writes to stderr so stdout stays for results.
#include <chrono>

#include "evaluators/training_progress.hpp"

namespace bitnas::cli {

class TerminalProgress : public TrainingProgress {
 public:
  explicit TerminalProgress(bool quiet);
  void message(const std::string& text) override;
  void batch_done(const BatchProgress& progress) override;
  void epoch_done(const EpochMetrics& metrics, int epochs) override;

 private:
  void end_live_line();

  bool quiet_;
  bool terminal_;
  bool live_line_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

// "1:02:03" / "4:05".
std::string format_duration(double seconds);

}  // namespace bitnas::cli

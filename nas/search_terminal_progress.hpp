#pragma once
// Renders a search's progress for a person (see TerminalProgress for the rules: live line on
// a terminal, a plain line per epoch otherwise, silence with --quiet; stderr).
#include <chrono>

#include "nas/search/search_run.hpp"

namespace bitnas::cli {

class SearchTerminalProgress : public SearchProgress {
 public:
  explicit SearchTerminalProgress(bool quiet);
  void message(const std::string& text) override;
  void step_done(const SearchProgressInfo& info) override;
  void epoch_done(const SearchEpochMetrics& metrics, int epochs) override;

 private:
  bool quiet_;
  bool terminal_;
  bool live_line_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace bitnas::cli

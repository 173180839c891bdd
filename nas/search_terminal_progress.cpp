#include "nas/search_terminal_progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "nas/terminal_progress.hpp"
#include "ops/core/log.hpp"

namespace bitnas::cli {

SearchTerminalProgress::SearchTerminalProgress(bool quiet)
    : quiet_(quiet), terminal_(isatty(2) == 1) {
  set_terminal_quiet(quiet);
}

void SearchTerminalProgress::message(const std::string& text) {
  if (live_line_) std::fputs("\n", stderr);
  live_line_ = false;
  logger().info(text);
}

void SearchTerminalProgress::step_done(const SearchProgressInfo& p) {
  if (quiet_ || !terminal_) return;
  const auto now = std::chrono::steady_clock::now();
  if (p.step != p.steps && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  std::fprintf(stderr, "\r\033[Kepoch %d/%d  step %d/%d  best reward %.4f  %.1f samples/s  left %s",
               p.epoch + 1, p.epochs, p.step, p.steps, p.best_reward, p.samples_per_s,
               format_duration(p.seconds_left).c_str());
  std::fflush(stderr);
  live_line_ = true;
}

void SearchTerminalProgress::epoch_done(const SearchEpochMetrics& m, int epochs) {
  if (live_line_) std::fputs("\r\033[K", stderr);
  live_line_ = false;
  // A warm-up epoch has no rewards and a frozen-supernet epoch no supernet loss: say so.
  char supernet[64] = "supernet frozen", rewards[64] = "no rewards (warm-up)";
  if (m.supernet_loss)
    std::snprintf(supernet, sizeof supernet, "supernet loss %.4f acc %.2f%%", *m.supernet_loss,
                  100.0 * m.supernet_acc.value_or(0.0));
  if (m.mean_reward)
    std::snprintf(rewards, sizeof rewards, "reward mean %.4f best %.4f", *m.mean_reward,
                  m.best_reward.value_or(0.0));
  char line[256];
  std::snprintf(line, sizeof line, "epoch %lld/%d  %s  %s  %.1f samples/s  %s",
                static_cast<long long>(m.epoch + 1), epochs, supernet, rewards,
                m.samples_per_s.value_or(0.0), format_duration(m.wall_s.value_or(0.0)).c_str());
  logger().info(line);
}

}  // namespace bitnas::cli

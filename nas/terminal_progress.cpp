#include "nas/terminal_progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "ops/core/log.hpp"

namespace bitnas::cli {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buffer[32];
  if (s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld", s / 60, s % 60);
  return buffer;
}

TerminalProgress::TerminalProgress(bool quiet) : quiet_(quiet), terminal_(isatty(2) == 1) {
  set_terminal_quiet(quiet);
}

void TerminalProgress::end_live_line() {
  if (live_line_) std::fputs("\n", stderr);
  live_line_ = false;
}

void TerminalProgress::message(const std::string& text) {
  end_live_line();
  logger().info(text);
}

void TerminalProgress::batch_done(const BatchProgress& p) {
  if (quiet_ || !terminal_) return;
  const auto now = std::chrono::steady_clock::now();
  if (p.batch != p.batches && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  const int width = 24;
  const int filled = p.batches > 0 ? p.batch * width / p.batches : 0;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  std::fprintf(stderr, "\r\033[Kepoch %d/%d [%s] %d/%d  loss %.4f  acc %.2f%%  %.0f img/s  left %s",
               p.epoch + 1, p.epochs, bar.c_str(), p.batch, p.batches, p.loss, 100.0 * p.accuracy,
               p.images_per_s, format_duration(p.seconds_left).c_str());
  std::fflush(stderr);
  live_line_ = true;
}

void TerminalProgress::epoch_done(const EpochMetrics& m, int epochs) {
  if (live_line_) std::fputs("\r\033[K", stderr);
  live_line_ = false;
  // Accuracies an epoch did not measure are left out: test is read once, after the last
  // epoch, so an epoch line never shows a test figure it does not have.
  const auto accuracy = [](const char* name, const std::optional<double>& value) {
    if (!value) return std::string();
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "  %s %.2f%%", name, 100.0 * *value);
    return std::string(buffer);
  };
  const std::string valid = accuracy("valid", m.valid_acc), test = accuracy("test", m.test_acc);
  char line[256];
  std::snprintf(line, sizeof line,
                "epoch %lld/%d  train loss %.4f acc %.2f%%%s%s  lr %.3g  %.0f img/s  %s",
                static_cast<long long>(m.epoch + 1), epochs, m.train_loss.value_or(0.0),
                100.0 * m.train_acc.value_or(0.0), valid.c_str(), test.c_str(), m.lr.value_or(0.0),
                m.images_per_s.value_or(0.0), format_duration(m.wall_s.value_or(0.0)).c_str());
  logger().info(line);
}

}  // namespace bitnas::cli

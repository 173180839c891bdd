#include "evaluators/metrics_csv.hpp"

#include <array>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "ops/core/exact_text.hpp"
#include "storage/atomic_file.hpp"

namespace bitnas {

namespace {

constexpr std::array<MetricColumn<EpochMetrics>, 8> kTrainColumns{{
    {"train_loss", &EpochMetrics::train_loss},
    {"train_acc", &EpochMetrics::train_acc},
    {"valid_loss", &EpochMetrics::valid_loss},
    {"valid_acc", &EpochMetrics::valid_acc},
    {"test_acc", &EpochMetrics::test_acc},
    {"lr", &EpochMetrics::lr},
    {"images_per_s", &EpochMetrics::images_per_s},
    {"wall_s", &EpochMetrics::wall_s},
}};
constexpr std::array<MetricColumn<SearchEpochMetrics>, 7> kSearchColumns{{
    {"supernet_loss", &SearchEpochMetrics::supernet_loss},
    {"supernet_acc", &SearchEpochMetrics::supernet_acc},
    {"mean_reward", &SearchEpochMetrics::mean_reward},
    {"best_reward", &SearchEpochMetrics::best_reward},
    {"controller_loss", &SearchEpochMetrics::controller_loss},
    {"samples_per_s", &SearchEpochMetrics::samples_per_s},
    {"wall_s", &SearchEpochMetrics::wall_s},
}};

template <typename Metrics>
MetricsRow row_of(const Metrics& m, std::span<const MetricColumn<Metrics>> columns) {
  MetricsRow row;
  row.epoch = m.epoch;
  for (const auto& c : columns) row.values.emplace_back(c.name, m.*c.member);
  return row;
}

}  // namespace

std::span<const MetricColumn<EpochMetrics>> train_metric_columns() { return kTrainColumns; }
std::span<const MetricColumn<SearchEpochMetrics>> search_metric_columns() {
  return kSearchColumns;
}

MetricsRow metrics_row(const EpochMetrics& m) { return row_of(m, train_metric_columns()); }
MetricsRow metrics_row(const SearchEpochMetrics& m) { return row_of(m, search_metric_columns()); }

std::filesystem::path metrics_csv_path(const std::filesystem::path& run_dir) {
  return run_dir / "metrics.csv";
}

void append_metrics_row(const std::filesystem::path& file, const MetricsRow& row) {
  const bool fresh = !std::filesystem::exists(file) || std::filesystem::file_size(file) == 0;
  std::ofstream out(file, std::ios::app);
  if (fresh) {
    out << "epoch";
    for (const auto& [name, value] : row.values) out << ',' << name;
    out << '\n';
  }
  out << row.epoch;
  for (const auto& [name, value] : row.values) out << ',' << (value ? exact_text(*value) : "");
  out << '\n';
  out.flush();
  if (!out) throw std::runtime_error(file.string() + ": cannot append the epoch's metrics");
}

void trim_metrics_csv(const std::filesystem::path& file, std::int64_t completed_epochs) {
  if (!std::filesystem::exists(file)) return;
  std::ifstream in(file);
  std::string line, kept;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::int64_t epoch = 0;
    const auto parsed = std::from_chars(line.data(), line.data() + line.size(), epoch);
    // Keep the header, and rows of committed epochs; a torn last line is dropped.
    const bool committed = parsed.ec == std::errc() && *parsed.ptr == ',' &&
                           epoch < completed_epochs;
    if (header || committed) kept += line + "\n";
    header = false;
  }
  AtomicFileWriter writer(file);
  writer.write(kept.data(), kept.size());
  writer.commit();
}

}  // namespace bitnas

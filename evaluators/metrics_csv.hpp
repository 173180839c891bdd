#pragma once
// metrics.csv in a run directory: one row per finished epoch, for plotting and spreadsheets
// while a run is going (the database has the same numbers). The row is appended before the
// epoch's checkpoint is committed; a resumed run first cuts the file back to the epochs its
// checkpoint holds, so an epoch whose checkpoint a crash lost is written once, not twice.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "storage/result_records.hpp"

namespace bitnas {

// One per-epoch metric: its column name (the database's) and where a metrics record holds it.
template <typename Metrics>
struct MetricColumn {
  const char* name;
  std::optional<double> Metrics::* member;
};

// The columns in file order, after `epoch`; the checkpoint's epoch history uses the training
// ones in the same order.
std::span<const MetricColumn<EpochMetrics>> train_metric_columns();
std::span<const MetricColumn<SearchEpochMetrics>> search_metric_columns();

struct MetricsRow {
  std::int64_t epoch = 0;  // 0-based, as the database counts
  std::vector<std::pair<std::string, std::optional<double>>> values;  // column -> value
};

MetricsRow metrics_row(const EpochMetrics& m);        // train_loss, train_acc, ... wall_s
MetricsRow metrics_row(const SearchEpochMetrics& m);  // supernet_loss, ... wall_s

std::filesystem::path metrics_csv_path(const std::filesystem::path& run_dir);

// Appends `row`; writes the header ("epoch,<columns>") first when the file is new or empty.
// A missing value is an empty field; numbers round-trip exactly.
void append_metrics_row(const std::filesystem::path& file, const MetricsRow& row);

// Keeps the header and the rows of epochs < completed_epochs (atomically rewritten); nothing
// to do when the file does not exist.
void trim_metrics_csv(const std::filesystem::path& file, std::int64_t completed_epochs);

}  // namespace bitnas

#pragma once
// A run's per-epoch metrics as text, kept inside its checkpoint so a resumed run reports (and
// re-records) every epoch even if the database missed the last one.
#include <string>
#include <vector>

#include "storage/result_records.hpp"

namespace bitnas {

// One line per epoch: "epoch train_loss train_acc valid_loss valid_acc test_acc lr img/s
// wall_s", numbers in round-trip precision, "-" for a metric not measured.
std::string encode_epoch_history(const std::vector<EpochMetrics>& epochs);
// Throws std::invalid_argument on malformed text.
std::vector<EpochMetrics> decode_epoch_history(const std::string& text);

}  // namespace bitnas

#pragma once
// Refuses a config whose estimated memory (search_spaces/memory_estimate.hpp) exceeds the
// machine's physical memory or a --max-memory limit, before anything is allocated: the
// alternative is gigabytes of swapping with no output, or a bare std::bad_alloc.
#include <optional>
#include <string>

#include "evaluators/train_config.hpp"
#include "search_spaces/memory_estimate.hpp"

namespace bitnas {

// Total physical memory of this machine in bytes.
double physical_memory_bytes();

// The images of the data set as the readers produce them; reads no pixels (only the header of
// the training images file of dataset `idx`).
InputSpec dataset_input(const DataConfig& data);
// Bytes the train and test images take in memory (one byte per pixel).
double dataset_bytes(const DataConfig& data);

// Throws std::runtime_error when `estimate.total()` exceeds `max_memory_bytes` (or physical
// memory when absent). The message names `source`, the estimate and its parts, the limit, and
// the keys to change: `size_keys` for parameters, `batch_key` for activations.
void check_memory_budget(const MemoryEstimate& estimate, std::optional<double> max_memory_bytes,
                         const std::string& source, const std::string& size_keys,
                         const std::string& batch_key);

// "--max-memory" values: a number of bytes with an optional K, M, G or T suffix (powers of
// 1024), e.g. "512M", "8G". Throws std::invalid_argument naming the flag.
double parse_memory_size(const std::string& text);

}  // namespace bitnas

#pragma once
// The data a training run reads, loaded once from a DataConfig: the training set with its
// train / valid portions (carved by the seed), the test set kept apart, the normalization of
// the train portion, and loaders over each.
#include <cstdint>
#include <optional>
#include <string>

#include "data/batch_loader.hpp"
#include "data/dataset.hpp"
#include "data/normalization.hpp"
#include "evaluators/train_config.hpp"
#include "search_spaces/network.hpp"

namespace bitnas {

struct TrainingData {
  Dataset train_set;
  Dataset test_set;
  std::vector<int> train_indices;  // of train_set
  std::vector<int> valid_indices;  // of train_set, disjoint from train_indices
  std::vector<int> test_indices;   // of test_set
  std::optional<Normalization> normalization;
  InputSpec input;
  // "fashion_mnist: 54000 train, 6000 valid, 10000 test"
  std::string summary() const;
};

// Loads the dataset of `config` (errors name the file and what is wrong) and carves its
// portions with `seed`.
// The test split is read only for a final evaluation: a search passes TestSplit::skip and
// gets an empty test set. test_split_loads() counts the loads, so tests can prove a search
// and derive never read it.
enum class TestSplit { load, skip };
TrainingData load_training_data(const DataConfig& config, std::uint64_t seed,
                                TestSplit test = TestSplit::load);
int test_split_loads();

// A loader over `indices` of `dataset` with the run's normalization: shuffled and augmented
// for training, in order and plain for evaluation.
BatchLoader make_train_loader(const TrainingData& data, const DataConfig& config, int batch_size,
                              std::uint64_t seed);
BatchLoader make_eval_loader(const TrainingData& data, const Dataset& dataset,
                             const std::vector<int>& indices, int batch_size);

}  // namespace bitnas

#include "evaluators/training_data.hpp"

#include <algorithm>
#include <atomic>
#include <numeric>


#include "data/cifar_reader.hpp"
#include "data/fashion_mnist.hpp"
#include "data/splits.hpp"

namespace bitnas {

namespace {

Dataset load(const DataConfig& config, Split split) {
  switch (config.dataset) {
    case DatasetKind::fashion_mnist:
      return load_fashion_mnist(config.dir.empty() ? kFashionMnistDefaultDir : config.dir, split);
    case DatasetKind::idx:
      return load_idx_directory(config.dir, split);
    case DatasetKind::cifar10:
    case DatasetKind::cifar100:
      if (config.dir.empty())
        throw DataError(std::string(to_string(config.dataset)) +
                        ": set data.dir to the directory holding the binary CIFAR files");
      return config.dataset == DatasetKind::cifar10 ? load_cifar10(config.dir, split)
                                                    : load_cifar100(config.dir, split);
  }
  throw DataError("unknown dataset");
}

std::vector<int> first(std::vector<int> indices, int limit) {
  if (limit > 0 && static_cast<int>(indices.size()) > limit) indices.resize(limit);
  return indices;
}

std::atomic<int> test_loads{0};

}  // namespace

std::string TrainingData::summary() const {
  return train_set.name + ": " + std::to_string(train_indices.size()) + " train, " +
         std::to_string(valid_indices.size()) + " valid, " + std::to_string(test_indices.size()) +
         " test images of " + std::to_string(input.channels) + "x" +
         std::to_string(input.height) + "x" + std::to_string(input.width) + ", " +
         std::to_string(input.num_classes) + " classes";
}

int test_split_loads() { return test_loads.load(); }

TrainingData load_training_data(const DataConfig& config, std::uint64_t seed, TestSplit test) {
  TrainingData d;
  d.train_set = load(config, Split::train);
  if (test == TestSplit::load) {
    d.test_set = load(config, Split::test);
    ++test_loads;
  }
  if (config.valid_fraction > 0.0) {
    const DataSplits splits =
        carve_splits(d.train_set,
                     {SplitPortion::of_fraction("train", 1.0 - config.valid_fraction),
                      SplitPortion::of_fraction("valid", config.valid_fraction)},
                     seed);
    d.train_indices = splits.indices("train");
    d.valid_indices = splits.indices("valid");
  } else {
    d.train_indices.resize(static_cast<std::size_t>(d.train_set.size()));
    std::iota(d.train_indices.begin(), d.train_indices.end(), 0);
  }
  d.train_indices = random_subset(std::move(d.train_indices), config.train_limit, seed);
  d.test_indices.resize(static_cast<std::size_t>(d.test_set.size()));
  std::iota(d.test_indices.begin(), d.test_indices.end(), 0);
  d.test_indices = first(std::move(d.test_indices), config.test_limit);
  if (config.normalize) d.normalization = compute_normalization(d.train_set, d.train_indices);
  d.input = InputSpec{d.train_set.channels, d.train_set.height, d.train_set.width,
                      d.train_set.num_classes};
  return d;
}

BatchLoader make_train_loader(const TrainingData& data, const DataConfig& config, int batch_size,
                              std::uint64_t seed) {
  LoaderOptions options;
  options.batch_size = batch_size;
  options.shuffle = true;
  options.augmentation = config.augmentation;
  options.normalization = data.normalization;
  options.seed = seed;
  return BatchLoader(data.train_set, data.train_indices, options);
}

BatchLoader make_eval_loader(const TrainingData& data, const Dataset& dataset,
                             const std::vector<int>& indices, int batch_size) {
  LoaderOptions options;
  options.batch_size = batch_size;
  options.shuffle = false;
  options.normalization = data.normalization;
  return BatchLoader(dataset, indices, options);
}

}  // namespace bitnas

#include "nas/search/search_data.hpp"

#include <stdexcept>

#include "data/splits.hpp"
#include "evaluators/training_data.hpp"

namespace bitnas {

namespace {

BatchLoader plain_loader(const SearchData& data, const std::vector<int>& indices, int batch,
                         std::uint64_t seed, bool shuffle) {
  LoaderOptions options;
  options.batch_size = batch;
  options.shuffle = shuffle;
  options.normalization = data.normalization;
  options.seed = seed;
  return BatchLoader(data.train_set, indices, options);
}

}  // namespace

std::string SearchData::summary() const {
  return train_set.name + ": " + std::to_string(supernet_indices.size()) + " supernet, " +
         std::to_string(controller_indices.size()) + " controller, " +
         std::to_string(derive_indices.size()) + " derive images of " +
         std::to_string(input.channels) + "x" + std::to_string(input.height) + "x" +
         std::to_string(input.width);
}

SearchData load_search_data(const SearchConfig& config) {
  // Reuse the training loader for the files; only the training set is kept.
  DataConfig files = config.data;
  files.valid_fraction = 0.0;
  files.train_limit = 0;
  TrainingData loaded = load_training_data(files, config.schedule.seed, TestSplit::skip);
  SearchData d;
  d.train_set = std::move(loaded.train_set);
  d.input = loaded.input;
  const SearchSchedule& s = config.schedule;
  const DataSplits splits = carve_splits(
      d.train_set,
      {SplitPortion::of_fraction("supernet", 1.0 - s.controller_fraction - s.derive_fraction),
       SplitPortion::of_fraction("controller", s.controller_fraction),
       SplitPortion::of_fraction("derive", s.derive_fraction)},
      s.seed);
  d.supernet_indices = splits.indices("supernet");
  d.controller_indices = splits.indices("controller");
  d.derive_indices = splits.indices("derive");
  // data.train_limit shrinks every portion in proportion (quick searches).
  if (config.data.train_limit > 0 && config.data.train_limit < d.train_set.size()) {
    const double keep = static_cast<double>(config.data.train_limit) / d.train_set.size();
    for (auto* portion : {&d.supernet_indices, &d.controller_indices, &d.derive_indices})
      *portion = random_subset(std::move(*portion),
                               std::max(1, static_cast<int>(portion->size() * keep)), s.seed);
  }
  // The supernet loader drops a final short batch, so fewer images than one batch would leave
  // an epoch without a single step.
  if (static_cast<int>(d.supernet_indices.size()) < s.batch_size)
    throw std::invalid_argument(
        config.source + ": the supernet portion has " + std::to_string(d.supernet_indices.size()) +
        " images, fewer than search.batch_size (" + std::to_string(s.batch_size) +
        "); raise data.train_limit (or --train-limit) or lower search.batch_size");
  if (config.data.normalize) d.normalization = compute_normalization(d.train_set, d.supernet_indices);
  return d;
}

BatchLoader supernet_loader(const SearchData& data, const SearchConfig& config) {
  LoaderOptions options;
  options.batch_size = config.schedule.batch_size;
  options.shuffle = true;
  options.drop_last = true;  // equal batch sizes: every step is one equally weighted update
  options.augmentation = config.data.augmentation;
  options.normalization = data.normalization;
  options.seed = config.schedule.seed;
  return BatchLoader(data.train_set, data.supernet_indices, options);
}

BatchLoader controller_loader(const SearchData& data, const SearchConfig& config) {
  return plain_loader(data, data.controller_indices, config.evaluator.batch_size,
                      config.schedule.seed + 1, true);
}

BatchLoader derive_loader(const SearchData& data, const SearchConfig& config) {
  return plain_loader(data, data.derive_indices, config.evaluator.batch_size, 0, false);
}

BatchLoader recalibration_loader(const SearchData& data, const SearchConfig& config) {
  return plain_loader(data, data.supernet_indices, config.schedule.batch_size,
                      config.schedule.seed + 2, true);
}

}  // namespace bitnas

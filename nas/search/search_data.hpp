#pragma once
// The data of a search (docs/SEARCH.md, Data splits): the training set carved into supernet-train,
// controller (reward) and derive portions by the seed; the test set is not loaded at all, it
// belongs to final evaluation.
#include <cstdint>
#include <string>
#include <vector>

#include "data/batch_loader.hpp"
#include "data/dataset.hpp"
#include "data/normalization.hpp"
#include "nas/search/search_config.hpp"
#include "search_spaces/network.hpp"

namespace bitnas {

struct SearchData {
  Dataset train_set;
  std::vector<int> supernet_indices, controller_indices, derive_indices;
  std::optional<Normalization> normalization;
  InputSpec input;
  std::string summary() const;
};

SearchData load_search_data(const SearchConfig& config);

// Loaders: supernet batches shuffled and augmented as data.augmentation says; controller and
// derive batches plain; the recalibration loader plain over the supernet portion.
BatchLoader supernet_loader(const SearchData& data, const SearchConfig& config);
BatchLoader controller_loader(const SearchData& data, const SearchConfig& config);
BatchLoader derive_loader(const SearchData& data, const SearchConfig& config);
BatchLoader recalibration_loader(const SearchData& data, const SearchConfig& config);

}  // namespace bitnas

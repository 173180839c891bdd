#pragma once
// Turns a training YAML (sections `search_space` + `genotype` or `baseline`, `data`,
// `trainer`) plus command-line overrides into a TrainRequest. `bitnas train` and
// `bitnas eval` (which re-reads both from the checkpoint) share this one path, so a
// checkpoint always rebuilds exactly the model it was trained as.
#include <optional>
#include <string>

#include "evaluators/trainer.hpp"

namespace bitnas {

struct TrainOverrides {
  std::optional<std::string> baseline;  // a built-in baseline replaces the config's model
  std::optional<std::string> genotype;  // placed in the config's search_space (or the default)
  std::optional<int> epochs;
  std::optional<int> seed;
  std::optional<int> threads;
  std::optional<int> train_limit;  // data.train_limit

  // "key=value" lines, and back, for storing next to the config text.
  std::string encode() const;
  static TrainOverrides decode(const std::string& text);
};

// Errors name the source, line and key (or the genotype's character position).
TrainRequest make_train_request(const std::string& yaml_text, const std::string& source,
                                const TrainOverrides& overrides);

}  // namespace bitnas

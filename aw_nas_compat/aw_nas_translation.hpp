#pragma once
// Internal to the aw_nas translation: the state the component translators share and the
// translator of each group of aw_nas components.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "aw_nas_compat/aw_nas_section.hpp"

namespace bitnas {

struct AwNasTranslationState {
  YAML::Node root;  // the aw_nas document
  std::string file;
  YAML::Node out;   // the BitNAS document being written
  std::vector<std::string> warnings;

  // A section of the aw_nas document (`key` at the top level).
  AwNasSection section(const std::string& key) {
    return AwNasSection(root[key], key, file, warnings);
  }
};

// search_space_type/_cfg plus the architecture keys of final_model_cfg (or, for a search,
// weights_manager_cfg): the BitNAS `search_space` and `genotype`.
void translate_search_space(AwNasTranslationState& state);
// dataset_type/_cfg -> `data`.
void translate_dataset(AwNasTranslationState& state);
// controller_*, evaluator_*, weights_manager_* (its training keys), objective_*, trainer_*
// -> `controller`, `evaluator`, `weights_manager`, `objective`, `search`.
void translate_search_components(AwNasTranslationState& state);
// final_trainer_type/_cfg -> `trainer`.
void translate_final_trainer(AwNasTranslationState& state);

// An aw_nas optimizer mapping ({type: SGD, lr, momentum, weight_decay, betas}) as a BitNAS
// `optimizer` mapping; `section` locates warnings about the keys it cannot honour.
YAML::Node translate_optimizer(const YAML::Node& aw_nas_optimizer, AwNasSection& section,
                               const std::string& key);
// An aw_nas scheduler ({type: CosineAnnealingLR, eta_min, T_max} or MultiStepLR) as a BitNAS
// `lr_schedule` mapping; `epochs` is what T_max should equal for the schedule to match.
YAML::Node translate_scheduler(const YAML::Node& aw_nas_scheduler, AwNasSection& section,
                               const std::string& key, int epochs);

}  // namespace bitnas

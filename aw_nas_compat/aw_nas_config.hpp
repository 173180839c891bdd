#pragma once
// aw_nas configs, read as BitNAS configs. aw_nas names each component by
// `<component>_type` + `<component>_cfg` (search_space, controller, evaluator,
// weights_manager, objective, final_model, final_trainer, trainer, dataset); BitNAS by one
// section per component. The translation writes the BitNAS sections from the aw_nas ones and
// names, in a warning, every aw_nas key it cannot honour, so nothing is dropped silently.
// `bitnas convert-config` prints the translation; search, train and describe apply it to any
// file that looks like an aw_nas config.
#include <string>
#include <vector>

namespace bitnas {

struct AwNasTranslation {
  std::string yaml;                   // the BitNAS config, commented
  std::vector<std::string> warnings;  // "file:line: section.key: what is not honoured"
};

// True when the document has aw_nas component keys (`search_space_type`, `controller_type`,
// `final_model_cfg`, ...) and no BitNAS `search_space` section.
bool looks_like_aw_nas_config(const std::string& yaml_text);

// Translates; throws ConfigError (naming file, line and key) for what has no BitNAS reading
// at all: a search space other than `cnn`, an unsupported controller, malformed values.
AwNasTranslation translate_aw_nas_config(const std::string& yaml_text, const std::string& source);

}  // namespace bitnas

#pragma once
// `bitnas gen-sample-config`: a complete config with every key, its default and a one-line
// comment. The keys and defaults are not written down here: the real config readers run on a
// config that gives only the required keys, under a ConfigKeyRecording, and the sample lists
// what they asked for (search_spaces/yaml_reader.hpp). Only the comments are a table
// (config_key_docs.hpp); a key without a comment, or a comment for a key no reader asks for,
// is an error, so the sample cannot fall behind the readers.
#include <string>

namespace bitnas::cli {

enum class SampleConfigKind { search, train };

// The YAML text. `controller` is a controller type (random, evolution, reinforce,
// differentiable) and picks the keys of the search sample's `controller` section; an unknown
// type is the reader's error naming the valid ones.
std::string sample_config_yaml(SampleConfigKind kind, const std::string& controller);

// The sample in aw_nas's layout (`<component>_type` + `<component>_cfg`, aw_nas's key and op
// names), which search, train and describe translate (aw_nas_compat/aw_nas_sample.hpp): every
// aw_nas key the translator reads, with the BitNAS keys it sets and their comment, and the
// keys BitNAS does not honour commented out with the reason.
std::string aw_nas_sample_config_yaml(SampleConfigKind kind, const std::string& controller);

// The same config with only what has no default: the search space's cell_layout and
// primitives (the compiled-in default space's), the controller type, and for training a
// genotype drawn from that space. Loads into the same settings as the full sample.
std::string minimal_config_yaml(SampleConfigKind kind, const std::string& controller);

}  // namespace bitnas::cli

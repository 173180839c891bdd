#include "evaluators/train_request.hpp"

#include <filesystem>
#include <sstream>

namespace bitnas {

std::string TrainOverrides::encode() const {
  std::string out;
  if (baseline) out += "baseline=" + *baseline + "\n";
  if (genotype) out += "genotype=" + *genotype + "\n";
  if (epochs) out += "epochs=" + std::to_string(*epochs) + "\n";
  if (seed) out += "seed=" + std::to_string(*seed) + "\n";
  if (threads) out += "threads=" + std::to_string(*threads) + "\n";
  if (train_limit) out += "train_limit=" + std::to_string(*train_limit) + "\n";
  return out;
}

TrainOverrides TrainOverrides::decode(const std::string& text) {
  TrainOverrides o;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "baseline") o.baseline = value;
    else if (key == "genotype") o.genotype = value;
    else if (key == "epochs") o.epochs = std::stoi(value);
    else if (key == "seed") o.seed = std::stoi(value);
    else if (key == "threads") o.threads = std::stoi(value);
    else if (key == "train_limit") o.train_limit = std::stoi(value);
    else throw std::invalid_argument("unknown stored override '" + key + "'");
  }
  return o;
}

TrainRequest make_train_request(const std::string& yaml_text, const std::string& source,
                                const TrainOverrides& overrides) {
  const ConfigSection root = ConfigSection::load_string(yaml_text, source);
  TrainRequest r;
  check_one_model_source(root);
  if (overrides.baseline) {
    r.model = baseline_spec(*overrides.baseline);
  } else if (overrides.genotype) {
    const SearchSpaceConfig space = root.has("search_space")
                                        ? parse_search_space(root.section("search_space"))
                                        : default_search_space();
    r.model = model_spec_from_genotype(*overrides.genotype, space);
  } else {
    if (!root.has("baseline") && (!root.has("search_space") || !root.has("genotype")))
      root.fail("", "needs `search_space` and `genotype` sections, or `baseline: NAME`, or "
                    "--genotype / --genotype-file / --baseline on the command line");
    r.model = model_spec_from_document(root, source);
  }
  // A model section an override replaced is still a known key, not a typo; so are the
  // sections of a search config, which also carries the retraining settings of its results.
  for (const char* key : {"search_space", "genotype", "baseline", "search", "controller",
                          "evaluator", "objective", "weights_manager"})
    root.allow(key);
  r.data = parse_data_config(root.section_or_empty("data"));
  r.trainer = parse_trainer_config(root.section_or_empty("trainer"));
  if (overrides.epochs) r.trainer.epochs = *overrides.epochs;
  if (overrides.seed) r.trainer.seed = static_cast<std::uint64_t>(*overrides.seed);
  if (overrides.threads) r.trainer.threads = *overrides.threads;
  if (overrides.train_limit) r.data.train_limit = *overrides.train_limit;
  root.reject_unknown_keys();
  r.config_text = yaml_text;
  r.config_source = source;
  r.overrides_text = overrides.encode();
  r.name = std::filesystem::path(source).stem().string();
  if (overrides.baseline || overrides.genotype || root.has("baseline"))
    r.name += ":" + r.model.name;
  return r;
}

}  // namespace bitnas

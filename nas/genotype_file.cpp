#include "nas/genotype_file.hpp"

#include <yaml-cpp/yaml.h>

#include <stdexcept>

#include "search_spaces/yaml_reader.hpp"

namespace bitnas::cli {

std::string read_genotype_file(const std::string& path, int rank) {
  const std::string text = read_config_file(path, "genotype file");
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception&) {
    return text;  // not YAML: a bare genotype string (which may contain YAML-hostile quotes)
  }
  if (root.IsMap() && root["genotype"] && root["genotype"].IsScalar())
    return root["genotype"].as<std::string>();
  // `genotypes:` as bitnas derive writes it, or a top-level list as aw_nas's derive does.
  if (root.IsSequence() || (root.IsMap() && root["genotypes"])) {
    const YAML::Node list = root.IsSequence() ? root : root["genotypes"];
    if (!list.IsSequence() || list.size() == 0)
      throw std::runtime_error(path + ": the list of genotypes is empty");
    if (rank < 1 || rank > static_cast<int>(list.size()))
      throw std::runtime_error(path + ": rank " + std::to_string(rank) + " requested but the file lists " +
                               std::to_string(list.size()) + " genotypes");
    const YAML::Node entry = list[static_cast<std::size_t>(rank - 1)];
    if (entry.IsScalar()) return entry.as<std::string>();
    if (entry.IsMap() && entry["genotype"]) return entry["genotype"].as<std::string>();
    throw std::runtime_error(path + ": entry " + std::to_string(rank) +
                             " of `genotypes` has no `genotype` key");
  }
  if (root.IsScalar()) return root.as<std::string>();
  throw std::runtime_error(path + ": expected a `genotype:` key, a `genotypes:` list, a list "
                                  "of genotype strings (aw_nas derive) or a bare genotype string");
}

std::vector<std::string> read_genotype_list(const std::string& path) {
  std::vector<std::string> out{read_genotype_file(path, 1)};
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception&) {
    return out;
  }
  const YAML::Node list = root.IsSequence() ? root : root.IsMap() ? root["genotypes"] : YAML::Node();
  if (list && list.IsSequence())
    for (int rank = 2; rank <= static_cast<int>(list.size()); ++rank)
      out.push_back(read_genotype_file(path, rank));
  return out;
}

}  // namespace bitnas::cli

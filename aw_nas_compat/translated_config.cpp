#include "aw_nas_compat/translated_config.hpp"

#include "ops/core/log.hpp"

#include "aw_nas_compat/aw_nas_config.hpp"
#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

std::string read_config_translating_aw_nas(const std::string& path) {
  std::string text = read_config_file(path);
  if (!looks_like_aw_nas_config(text)) return text;
  AwNasTranslation translation = translate_aw_nas_config(text, path);
  logger().info("{} is an aw_nas config; read as its BitNAS translation (bitnas convert-config "
               "{} shows it)",
               path, path);
  for (const std::string& warning : translation.warnings) logger().warn("{}", warning);
  return translation.yaml;
}

}  // namespace bitnas

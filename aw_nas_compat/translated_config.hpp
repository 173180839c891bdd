#pragma once
// Reads a config file for search, train and describe: a BitNAS config as it is, an aw_nas
// config translated (aw_nas_config.hpp) with one logged warning per key not honoured.
#include <string>

namespace bitnas {

std::string read_config_translating_aw_nas(const std::string& path);

}  // namespace bitnas

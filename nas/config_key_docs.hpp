#pragma once
// One line per config key, for the comments of `bitnas gen-sample-config`. Keyed by the
// dotted path the readers report ("search.epochs"); the generator refuses to print a key
// without one, and a test refuses entries no reader asks for.
#include <map>
#include <string>

namespace bitnas::cli {

const std::map<std::string, std::string>& config_key_docs();

}  // namespace bitnas::cli

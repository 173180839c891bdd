#pragma once
// Internal to the op registry: the table the ops_*.cpp files fill. op_registry.cpp builds it
// by calling each register_* function explicitly (static initialisers in a static library
// would be dropped by the linker when nothing references their object file).
#include <map>
#include <string>

#include "search_spaces/op_registry.hpp"

namespace bitnas {

struct OpTable {
  std::map<std::string, OpInfo> ops;
  std::map<std::string, std::string> aliases;  // alias -> BitNAS name

  // All three throw std::logic_error on a duplicate name, an alias of an unknown op or an
  // OpDoc with an empty field.
  void add(std::string name, OpDoc doc, bool is_binary, OpFactory factory);
  void add_parameter_free(std::string name, OpDoc doc, OpFactory factory);
  void alias(std::string alias, std::string target);
};

// How an op's OpDoc::cost refers to the residual shortcut inside it, whose cost the
// `shortcut` op's entry gives for every downsample variant.
inline const std::string kShortcutCost =
    "the cost of `shortcut` (stride 1 and c_in = c_out: nothing)";

void register_binary_conv_ops(OpTable& table);     // ops_binary_convs.cpp
void register_parameter_free_ops(OpTable& table);  // ops_parameter_free.cpp
void register_block_ops(OpTable& table);           // ops_blocks.cpp
void register_preprocess_ops(OpTable& table);      // ops_preprocess.cpp

}  // namespace bitnas

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

  // Both throw std::logic_error on a duplicate name or an alias of an unknown op.
  void add(std::string name, std::string description, bool is_binary, OpFactory factory);
  void add_parameter_free(std::string name, std::string description, OpFactory factory);
  void alias(std::string alias, std::string target);
};

void register_binary_conv_ops(OpTable& table);     // ops_binary_convs.cpp
void register_parameter_free_ops(OpTable& table);  // ops_parameter_free.cpp
void register_block_ops(OpTable& table);           // ops_blocks.cpp
void register_preprocess_ops(OpTable& table);      // ops_preprocess.cpp

}  // namespace bitnas

#pragma once
// name -> factory for every op a cell edge, a preprocess step or a shortcut can be (Caffe's
// layer registry idea). Factories take the edge's widths and stride plus the search space's
// shared settings; binary ops read their layer order and conv knobs from there. aw_nas's op
// names are accepted as aliases of the BitNAS names.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ops/core/module.hpp"
#include "ops/core/random.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas {

// What a factory may read besides the edge's own widths and stride.
struct OpContext {
  const SearchSpaceConfig& space;
  Rng& rng;
  // false: BNs without learnable scale and shift (DARTS's differentiable search, where they
  // would rescale the ops and blur the architecture weights).
  bool affine_norms = true;
};

using OpFactory =
    std::function<std::unique_ptr<Module>(int c_in, int c_out, int stride, const OpContext&)>;

// What `bitnas ops` and error messages say about an op, written next to its factory so the
// listing cannot drift from what is registered. Costs use c_in, c_out, k, g, the output size
// H' x W' (ceil(H / stride)) and "BN(C)" for a BatchNorm's 2 * C learnable values.
struct OpDoc {
  std::string description;  // what it computes, one line
  std::string parameters;   // its own settings and what it takes from the space and the edge
  std::string cost;         // binary / fp parameters and BOPs / FLOPs as formulas
};

struct OpInfo {
  std::string name;  // BitNAS name
  std::string description;
  std::string parameters;
  std::string cost;
  OpFactory factory;
  bool is_binary = false;   // contains binary convolutions
  // No weights at any stride or width (identity, pools, zeros): the ops a weight-sharing
  // search over-selects, so they can be capped and dropped out.
  bool parameter_free = false;
};

// The BitNAS name for `name` (itself or the op an alias stands for); throws
// std::invalid_argument listing the known ops if there is none.
const std::string& canonical_op_name(const std::string& name);
bool is_known_op(const std::string& name);
const OpInfo& op_info(const std::string& name);
bool is_parameter_free_op(const std::string& name);
// Every registered op, sorted by name.
std::vector<const OpInfo*> registered_ops();
// alias -> BitNAS name.
std::vector<std::pair<std::string, std::string>> op_aliases();

// Builds the op; errors (e.g. a pool asked to change widths) name the op and the widths.
std::unique_ptr<Module> make_op(const std::string& name, int c_in, int c_out, int stride,
                                const OpContext& context);

}  // namespace bitnas

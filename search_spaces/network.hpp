#pragma once
// A whole network of the AWNAS macro skeleton: stem, num_layers cells following cell_layout
// (each cell reads the outputs of the previous num_init_nodes cells, the stem output standing
// in at the start), and the head (optional ReLU, global average pool, FC).
#include <memory>
#include <string>
#include <vector>

#include "ops/core/module.hpp"
#include "ops/core/random.hpp"
#include "search_spaces/cell.hpp"
#include "search_spaces/genotype.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas {

// What the data looks like: NHWC images of channels x height x width, num_classes labels.
struct InputSpec {
  int channels = 1;
  int height = 28;
  int width = 28;
  int num_classes = 10;

  // Throws std::invalid_argument, prefixed by `who`, unless `images` is [N, height, width,
  // channels].
  void check(const Tensor& images, const char* who) const;
};

class Network : public Module {
 public:
  // Builds the network of `genotype` in `space`; errors name the cell and edge at fault.
  Network(const SearchSpaceConfig& space, const Genotype& genotype, const InputSpec& input,
          Rng& rng);

  std::string type_name() const override { return "Network"; }
  Tensor forward(const Tensor& input, Mode mode) override;
  Tensor backward(const Tensor& grad_output) override;
  // Cells are MergeModules, not Modules, so the children are the flattened named_ops().
  std::vector<std::pair<std::string, Module*>> children() override { return named_ops(); }

  const InputSpec& input_spec() const { return input_; }
  std::size_t num_cells() const { return cells_.size(); }
  Cell& cell(std::size_t i) { return *cells_[i]; }
  Module& stem() { return *stem_; }
  Module& head() { return *head_; }
  // Every op of the network in execution order with dotted names ("stem",
  // "cells.3.node2.from0.bconv_3x3", "head"): what summaries, cost accounting and warnings walk.
  std::vector<std::pair<std::string, Module*>> named_ops();

 private:
  InputSpec input_;
  int num_init_nodes_ = 1;
  std::unique_ptr<Module> stem_;
  std::vector<std::unique_ptr<Cell>> cells_;
  std::unique_ptr<Module> head_;
};

}  // namespace bitnas

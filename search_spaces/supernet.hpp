#pragma once
// The weight-sharing supernet of a search space (docs/DESIGN.md, Weight sharing and controllers;
// aw_nas's "weights manager"): the stem, num_layers SupernetCells chained as in a Network, and the
// head, built with the same op library and cell rules as Network. Every (cell, edge, candidate
// primitive) has its own op; all cells of a group follow the same choice. Before forward, select
// what to run:
//   set_genotype(g)      path mode (SPOS, ENAS, random search with weight sharing): exactly
//                        the computation of Network(space, g) on the supernet's weights; ops
//                        off the path do not run, so their gradients and BN statistics stay
//                        untouched;
//   set_edge_weights(w)  differentiable mode (DARTS, GDAS): every edge a weighted sum of its
//                        candidates; backward also gives dL/dw (edge_weight_gradients).
// It is a Module: parameters(), buffers(), named_state() and zero_grad() cover every op,
// named like a Network's ("cells.3.node4.from1.bconv_3x3.conv.weight"), so checkpoints and
// capture/restore_module_state work as for a Network.
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ops/core/module.hpp"
#include "ops/core/random.hpp"
#include "search_spaces/genotype.hpp"
#include "search_spaces/network.hpp"
#include "search_spaces/search_space_config.hpp"
#include "search_spaces/supernet_cell.hpp"
#include "search_spaces/supernet_edges.hpp"

namespace bitnas {

class Supernet : public Module {
 public:
  // `affine_norms` false: the BNs of every op carry no learnable scale and shift (DARTS).
  Supernet(const SearchSpaceConfig& space, const InputSpec& input, Rng& rng,
           bool affine_norms = true);

  std::string type_name() const override { return "Supernet"; }

  // Path mode. Checks the genotype against the space (check_genotype_in_space) and the
  // supernet (an op that cannot sit on its edge, a repeated edge, with concat_op concat a
  // different number of output nodes); errors name the cell and edge. On error the previous
  // selection stays.
  //
  // `drop` (path dropout) is asked once per edge of every cell (layer by layer, edges in
  // forward order) with the edge's primitive; an edge it returns true for contributes zeros
  // for this selection: its op neither runs forward nor learns, as if it were `none`.
  using PathDrop = std::function<bool(const std::string& primitive)>;
  void set_genotype(const Genotype& genotype, const PathDrop& drop = {});
  // Differentiable mode: weights[e][p] for edge e of edges() and primitive p of the space.
  // Node j of a cell = sum over its edges and primitives of w * op(state); ops with weight
  // exactly 0 are skipped, and their dL/dw is reported as 0. Output nodes: concat_nodes, else
  // every internal node. Errors name the edge (wrong row count or size, a non-finite weight,
  // a non-zero weight on an op that cannot sit on its edge).
  void set_edge_weights(const EdgeWeights& weights);
  // The path of path mode; nullopt in differentiable mode or before any selection.
  const std::optional<Genotype>& genotype() const { return genotype_; }
  bool has_selection() const { return selected_; }

  // NHWC images [N, H, W, C] of input_spec() -> logits [N, num_classes].
  Tensor forward(const Tensor& images, Mode mode) override;
  // Accumulates parameter gradients of the ops that ran and returns dL/dimages (empty when
  // path dropout cut every edge leaving the stem); in differentiable mode also sets
  // edge_weight_gradients().
  Tensor backward(const Tensor& grad_logits) override;
  // dL/dw of the last backward in differentiable mode, summed over the cells of each group;
  // shaped like the weights; all 0 in path mode.
  const EdgeWeights& edge_weight_gradients() const { return weight_grads_; }

  // Every op ("stem", "cells.3.preprocess0", "cells.3.node4.from1.bconv_3x3", ...,
  // "cells.3.shortcut", "head"): parameters() and buffers() are those of the whole supernet.
  std::vector<std::pair<std::string, Module*>> children() override { return named_ops(); }
  std::vector<std::pair<std::string, Module*>> named_ops();
  // The ops the selection runs (stem and head always), in the order Network(space, genotype)
  // lists its named_ops(); active_parameters() is what an optimizer for one step of path
  // training is built over, active_buffers() the BN statistics to recalibrate for the path.
  std::vector<std::pair<std::string, Module*>> active_ops();
  std::vector<NamedParameter> active_parameters();
  std::vector<NamedBuffer> active_buffers();

  const SearchSpaceConfig& space() const { return space_; }
  const InputSpec& input_spec() const { return input_; }
  // The rows of EdgeWeights.
  const std::vector<SupernetEdge>& edges() const { return edges_; }
  std::size_t num_cells() const { return cells_.size(); }
  SupernetCell& cell(std::size_t i) { return *cells_[i]; }

 private:
  // The EdgeWeights rows of cell c's group.
  std::span<const std::vector<float>> rows_of(const EdgeWeights& rows, std::size_t c) const;
  std::span<std::vector<float>> rows_of(EdgeWeights& rows, std::size_t c) const;

  SearchSpaceConfig space_;
  InputSpec input_;
  std::vector<SupernetEdge> edges_;
  std::vector<std::size_t> group_first_row_;  // per group: its first row in edges_
  std::unique_ptr<Module> stem_;
  std::vector<std::unique_ptr<SupernetCell>> cells_;
  std::unique_ptr<Module> head_;

  bool selected_ = false;
  bool mixture_ = false;
  std::optional<Genotype> genotype_;
  EdgeWeights weight_grads_;
};

}  // namespace bitnas

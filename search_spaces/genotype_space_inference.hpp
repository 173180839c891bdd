#pragma once
// A search space read off a genotype, for genotypes that come without one (an aw_nas derive
// output given to describe or plot). A genotype string fixes the cell shape by itself: the
// lowest node any edge ends in is the first internal node, so the nodes below it are the cell
// inputs; the highest node named ends the cell; every internal node sums the same number of
// inputs in aw_nas's cnn space.
#include "search_spaces/genotype.hpp"
#include "search_spaces/search_space_config.hpp"

namespace bitnas {

struct InferredCellShape {
  int num_init_nodes = 1;
  int num_steps = 1;
  int num_node_inputs = 1;  // the most inputs any internal node has
};
InferredCellShape infer_cell_shape(const Genotype& genotype);

// `base` with the cell shape of `genotype` and the genotype's ops added to its primitives.
// Throws std::invalid_argument naming the op or node when no space of that kind fits: an op
// BitNAS does not have, internal nodes with different numbers of inputs, a cell group the
// base layout does not use.
SearchSpaceConfig space_fitting_genotype(const Genotype& genotype, SearchSpaceConfig base);

}  // namespace bitnas

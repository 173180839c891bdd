#pragma once
// Architecture identity for the results database: two genotypes that describe the same cells
// get the same canonical genotype, hence the same string and hash.
//
// Within a cell, what counts is the labelled graph that reaches the output:
// - nodes 0..num_init_nodes-1 are the cell inputs: distinguishable, never renumbered;
// - internal nodes may be renumbered (keeping from < to); the order of edges, and so of a
//   node's inputs, does not matter; the concat list is a set;
// - nodes (and their edges) that do not reach an output node are dropped;
// - the output is the concat list, or every internal node when it is absent (aw_nas's
//   default), so the canonical form always writes the concat list.
//
// Canonical numbering: internal nodes are ordered by topological depth, then by a signature
// refined from the ops and signatures of their inputs and consumers (colour refinement); nodes
// still tied are tried in every distinct order (individualisation, skipping nodes that are
// exact twins) and the smallest resulting cell wins. That search is exponential only for
// large, highly symmetric cells; DARTS-sized cells take microseconds. Edges are sorted by (to, op,
// from) and the concat list ascending. The result is itself a valid genotype.
#include <string>

#include "search_spaces/genotype.hpp"

namespace bitnas {

// Throws std::invalid_argument for a genotype validate_genotype rejects, num_init_nodes < 1,
// an edge into an input node, a node that feeds the output but has no incoming edges, or a
// cell none of whose edges reaches the output.
Genotype canonicalize(const Genotype& genotype, int num_init_nodes);

// 16 lowercase hex digits: 64-bit FNV-1a of to_string(canonicalize(genotype, num_init_nodes)).
// FNV-1a because it is a few lines, fixed by its spec (unlike std::hash, which may change
// between standard libraries) and 64 bits keep accidental collisions unlikely up to
// millions of architectures. The canonical string itself is the exact identity.
std::string genotype_hash(const Genotype& genotype, int num_init_nodes);

}  // namespace bitnas

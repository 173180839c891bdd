#include "search_spaces/supernet_cell.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "search_spaces/cell_outputs.hpp"

namespace bitnas {

namespace {

double dot(const Tensor& a, const Tensor& b) {
  double sum = 0.0;
  for (std::int64_t i = 0; i < a.numel(); ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

std::string edge_text(int from, int to) {
  return "edge " + std::to_string(from) + " -> " + std::to_string(to);
}

}  // namespace

SupernetCell::SupernetCell(int layer, const std::vector<StateSpec>& inputs,
                           const OpContext& context)
    : space_(context.space), layer_(layer) {
  const int group = space_.cell_layout.at(layer);
  header_ = {space_.is_reduce_group(group) ? CellKind::reduce : CellKind::normal, group, {},
             std::nullopt};
  num_inputs_ = static_cast<int>(inputs.size());
  if (num_inputs_ != space_.num_init_nodes)
    fail("got " + std::to_string(num_inputs_) + " inputs for num_init_nodes " +
         std::to_string(space_.num_init_nodes));
  num_nodes_ = num_inputs_ + space_.num_steps;
  if (space_.concat_op == ConcatOp::concat && space_.loose_end)
    fail("a supernet needs the same output width for every genotype, but loose_end with "
         "concat_op concat makes it depend on the genotype; use concat_op sum or mean, or "
         "concat_nodes");
  if (space_.concat_nodes) {
    mixture_outputs_ = *space_.concat_nodes;
  } else {
    for (int n = num_inputs_; n < num_nodes_; ++n) mixture_outputs_.push_back(n);
  }

  try {
    frame_ = std::make_unique<CellFrame>(layer, inputs, std::vector<bool>(inputs.size(), true),
                                         context);
  } catch (const std::invalid_argument& err) {
    fail(err.what());
  }
  for (int to = num_inputs_; to < num_nodes_; ++to)
    for (int from = 0; from < to; ++from) {
      Edge edge{from, to, {}};
      const std::string& input_problem =
          from < num_inputs_ ? frame_->input_problem(from) : std::string();
      for (const std::string& primitive : space_.primitives) {
        Candidate c{cell_edge_name(from, to, primitive), nullptr, input_problem};
        if (c.problem.empty()) {
          try {
            c.op = make_op(primitive, frame_->node_state(from).channels, frame_->width(),
                           frame_->edge_stride(from), context);
            c.identity = is_identity_op(*c.op);
          } catch (const std::invalid_argument& err) {
            c.problem = err.what();
          }
        }
        edge.candidates.push_back(std::move(c));
      }
      edges_.push_back(std::move(edge));
    }
  frame_->build_output(static_cast<int>(mixture_outputs_.size()), context);
}

void SupernetCell::fail(const std::string& why) const {
  throw_cell_layer_error(header_, layer_, why);
}

int SupernetCell::edge_index(int from, int to) const {
  // Edges into nodes num_inputs_ .. to-1 come first; node n has n of them.
  return (to * (to - 1) - num_inputs_ * (num_inputs_ - 1)) / 2 + from;
}

int SupernetCell::primitive_index(const std::string& op) const {
  if (!is_known_op(op)) return -1;
  const std::string& canonical = canonical_op_name(op);
  for (std::size_t p = 0; p < space_.primitives.size(); ++p)
    if (canonical_op_name(space_.primitives[p]) == canonical) return static_cast<int>(p);
  return -1;
}

const std::string& SupernetCell::candidate_problem(int edge, int primitive) const {
  return edges_.at(edge).candidates.at(primitive).problem;
}

CellSelection SupernetCell::plan_path(const CellGenotype& g) const {
  const CellPlan plan = plan_cell(g, layer_, num_inputs_, space_);
  if (plan.num_nodes > num_nodes_)
    throw_cell_layer_error(g, layer_, "node " + std::to_string(plan.num_nodes - 1) +
                                          " is beyond the last node " +
                                          std::to_string(num_nodes_ - 1) + " of the space");
  if (space_.concat_op == ConcatOp::concat && plan.output_nodes.size() != mixture_outputs_.size())
    throw_cell_layer_error(
        g, layer_,
        "the supernet concatenates " + std::to_string(mixture_outputs_.size()) +
            " output nodes (concat_op concat fixes the cell's output width), but the genotype "
            "has " + std::to_string(plan.output_nodes.size()));
  CellSelection s;
  s.output_nodes = plan.output_nodes;
  s.live = plan.live;
  s.live.resize(static_cast<std::size_t>(num_nodes_), false);
  for (int i = 0; i < num_inputs_; ++i)
    if (s.live[i] && !frame_->input_problem(i).empty())
      throw_cell_layer_error(g, layer_, frame_->input_problem(i));
  for (int node = num_inputs_; node < num_nodes_; ++node) {
    if (!s.live[node]) continue;
    for (const GenotypeEdge& e : g.edges_into(node)) {
      const int p = primitive_index(e.op);
      if (p < 0)
        throw_cell_layer_error(g, layer_, "edge " + to_string(e) +
                                              " uses an op outside the space's primitives");
      const int edge = edge_index(e.from, e.to);
      const Candidate& c = edges_[edge].candidates[p];
      if (!c.op) throw_cell_layer_error(g, layer_, "edge " + to_string(e) + ": " + c.problem);
      for (const SupernetTerm& t : s.terms)
        if (t.edge == edge && t.primitive == p)
          throw_cell_layer_error(g, layer_, "edge " + to_string(e) +
                                                " appears twice; the supernet holds one op per "
                                                "edge and primitive");
      s.terms.push_back({e.from, e.to, edge, p, 1.0f});
    }
  }
  return s;
}

CellSelection SupernetCell::plan_mixture(std::span<const std::vector<float>> rows) const {
  if (rows.size() != edges_.size())
    fail("got " + std::to_string(rows.size()) + " rows of edge weights for " +
         std::to_string(edges_.size()) + " edges");
  CellSelection s;
  s.mixture = true;
  s.output_nodes = mixture_outputs_;
  // The terms as a cell genotype, so liveness follows the same rule as for a path.
  CellGenotype active = header_;
  for (std::size_t e = 0; e < edges_.size(); ++e) {
    const Edge& edge = edges_[e];
    if (rows[e].size() != edge.candidates.size())
      fail(edge_text(edge.from, edge.to) + ": " + std::to_string(rows[e].size()) +
           " weights for " + std::to_string(edge.candidates.size()) + " primitives");
    for (std::size_t p = 0; p < rows[e].size(); ++p) {
      const float w = rows[e][p];
      if (w == 0.0f) continue;
      const std::string which =
          edge_text(edge.from, edge.to) + ", primitive '" + space_.primitives[p] + "'";
      if (!std::isfinite(w)) fail(which + ": weight is not finite");
      if (!edge.candidates[p].op) {
        std::ostringstream text;
        text << which << " has weight " << w << " but cannot sit there: "
             << edge.candidates[p].problem;
        fail(text.str());
      }
      s.terms.push_back({edge.from, edge.to, static_cast<int>(e), static_cast<int>(p), w});
      active.edges.push_back({space_.primitives[p], edge.from, edge.to});
    }
  }
  s.live = nodes_reaching(active, num_nodes_, s.output_nodes);
  std::erase_if(s.terms, [&](const SupernetTerm& t) { return !s.live[t.to]; });
  return s;
}

void SupernetCell::select(CellSelection selection) {
  selection_ = std::move(selection);
  selected_ = true;
  term_outputs_.clear();
  weight_grads_.assign(selection_.terms.size(), 0.0);
}

std::vector<bool> SupernetCell::used_inputs() const {
  return {selection_.live.begin(), selection_.live.begin() + num_inputs_};
}

Tensor SupernetCell::forward(const std::vector<Tensor>& inputs, Mode mode) {
  if (!selected_)
    throw std::logic_error("SupernetCell::forward: cell " + std::to_string(layer_) +
                           " has no path or mixture selected");
  if (static_cast<int>(inputs.size()) != num_inputs_)
    throw std::invalid_argument("SupernetCell::forward: expected " + std::to_string(num_inputs_) +
                                " inputs, got " + std::to_string(inputs.size()));
  const CellSelection& s = selection_;
  NodeStates state = frame_->preprocess(inputs, used_inputs(), num_nodes_, mode);
  const bool keep_outputs = s.mixture && mode == Mode::train;
  term_outputs_.assign(keep_outputs ? s.terms.size() : 0, Tensor());
  weight_grads_.assign(s.terms.size(), 0.0);
  std::size_t t = 0;
  for (int node = num_inputs_; node < num_nodes_; ++node) {
    if (!s.live[node]) continue;
    for (; t < s.terms.size() && s.terms[t].to == node; ++t) {
      const SupernetTerm& term = s.terms[t];
      if (!s.mixture && is_identity(term)) {
        accumulate(state.held(node), state[term.from]);
        continue;
      }
      Tensor out = op_of(term).forward(state[term.from], mode);
      if (!s.mixture) {
        accumulate(state.held(node), std::move(out));
        continue;
      }
      Tensor weighted = out;
      weighted.scale_(term.weight);
      accumulate(state.held(node), std::move(weighted));
      if (keep_outputs) term_outputs_[t] = std::move(out);
    }
    if (state.held(node).empty()) {
      // A mixture node whose incoming weights are all 0 is 0. A stride-2 edge maps a size H to
      // ceil(H / 2), as every op's padding is kernel / 2.
      const Tensor& ref = inputs.back();
      const int h = frame_->is_reduce() ? (ref.dim(1) + 1) / 2 : ref.dim(1);
      const int w = frame_->is_reduce() ? (ref.dim(2) + 1) / 2 : ref.dim(2);
      state.held(node) = Tensor({ref.dim(0), h, w, frame_->width()});
    }
  }
  std::vector<Tensor> outs;
  for (int n : s.output_nodes) outs.push_back(std::move(state.held(n)));
  return frame_->merge(std::move(outs), inputs.back(), mode);
}

std::vector<Tensor> SupernetCell::backward(const Tensor& grad_output) {
  const CellSelection& s = selection_;
  std::vector<Tensor> grad(static_cast<std::size_t>(num_nodes_));
  std::vector<Tensor> output_grads = frame_->merge_backward(grad_output);
  for (std::size_t k = 0; k < s.output_nodes.size(); ++k)
    accumulate(grad[s.output_nodes[k]], std::move(output_grads[k]));
  for (std::size_t t = s.terms.size(); t-- > 0;) {
    const SupernetTerm& term = s.terms[t];
    const Tensor& g = grad[term.to];
    if (g.empty()) continue;
    if (!s.mixture) {
      if (is_identity(term)) accumulate(grad[term.from], g);
      else accumulate(grad[term.from], op_of(term).backward(g));
      continue;
    }
    if (term_outputs_.size() != s.terms.size())
      throw std::logic_error("SupernetCell::backward: no train-mode mixture forward to go back through");
    weight_grads_[t] = dot(g, term_outputs_[t]);
    Tensor weighted = g;
    weighted.scale_(term.weight);
    accumulate(grad[term.from], op_of(term).backward(weighted));
  }
  term_outputs_.clear();
  grad.resize(static_cast<std::size_t>(num_inputs_));  // unused inputs stay empty
  return frame_->input_backward(std::move(grad), grad_output);
}

void SupernetCell::add_weight_gradients(std::span<std::vector<float>> rows) const {
  for (std::size_t t = 0; t < selection_.terms.size() && t < weight_grads_.size(); ++t) {
    const SupernetTerm& term = selection_.terms[t];
    rows[term.edge][term.primitive] += static_cast<float>(weight_grads_[t]);
  }
}

std::vector<std::pair<std::string, Module*>> SupernetCell::children() {
  std::vector<std::pair<std::string, Module*>> ops =
      frame_->preprocess_ops(std::vector<bool>(static_cast<std::size_t>(num_inputs_), true));
  for (Edge& e : edges_)
    for (Candidate& c : e.candidates)
      if (c.op) ops.emplace_back(c.name, c.op.get());
  for (auto& op : frame_->shortcut_ops()) ops.push_back(op);
  return ops;
}

std::vector<std::pair<std::string, Module*>> SupernetCell::active_children() {
  if (!selected_) return {};
  std::vector<std::pair<std::string, Module*>> ops = frame_->preprocess_ops(used_inputs());
  for (const SupernetTerm& t : selection_.terms) {
    Candidate& c = edges_[t.edge].candidates[t.primitive];
    ops.emplace_back(c.name, c.op.get());
  }
  for (auto& op : frame_->shortcut_ops()) ops.push_back(op);
  return ops;
}

}  // namespace bitnas

// Candidate binary convolutions (docs/DESIGN.md, The cell space): 1x1 / 3x3 / 5x5, dilated 3x3 /
// 5x5, grouped 3x3, each plain and with the per-op real-valued shortcut (`_skip`), plus aw_nas's
// names for them.
#include <string>

#include "search_spaces/binary_conv_unit.hpp"
#include "search_spaces/downsample.hpp"
#include "search_spaces/op_table.hpp"

namespace bitnas {

namespace {

struct ConvOp {
  const char* name;
  const char* description;
  int kernel;
  int dilation;
  bool grouped;
};

constexpr ConvOp kConvOps[] = {
    {"bconv_1x1", "binary conv 1x1", 1, 1, false},
    {"bconv_3x3", "binary conv 3x3", 3, 1, false},
    {"bconv_5x5", "binary conv 5x5", 5, 1, false},
    {"dil_bconv_3x3", "dilated binary conv 3x3 (dilation 2)", 3, 2, false},
    {"dil_bconv_5x5", "dilated binary conv 5x5 (dilation 2)", 5, 2, false},
    {"group_bconv_3x3", "grouped binary conv 3x3 (groups 4, 2 or 1)", 3, 1, true},
};

// A fixed small group count, so the grouped op exists at every pair of widths: the largest
// of 4, 2, 1 that divides both.
int group_count(int c_in, int c_out) {
  for (int g : {4, 2})
    if (c_in % g == 0 && c_out % g == 0) return g;
  return 1;
}

OpFactory conv_factory(const ConvOp& op, bool with_shortcut) {
  return [op, with_shortcut](int c_in, int c_out, int stride,
                             const OpContext& context) -> std::unique_ptr<Module> {
    const int groups = op.grouped ? group_count(c_in, c_out) : 1;
    return make_binary_conv_unit(
        c_in, c_out, same_padded(op.kernel, stride, op.dilation, groups),
        context.space.binary.layer_order,
        with_shortcut ? make_shortcut(c_in, c_out, stride, context) : nullptr, context);
  };
}

// The listing's parameters and cost of a row, from the same fields the factory reads.
OpDoc conv_doc(const ConvOp& op, bool with_shortcut) {
  OpDoc doc;
  doc.description = std::string(op.description) + ", in the space's layer order" +
                    (with_shortcut ? ", plus a real-valued shortcut (identity or the space's "
                                     "downsample)"
                                   : "");
  doc.parameters = "kernel " + std::to_string(op.kernel) + ", dilation " +
                   std::to_string(op.dilation) + ", padding " +
                   std::to_string(op.dilation * (op.kernel - 1) / 2) +
                   (op.grouped ? ", groups g = the largest of 4, 2, 1 dividing c_in and c_out"
                               : ", groups 1") +
                   "; stride from the edge; layer order and conv knobs from binary_op";
  std::string weights = "c_out*c_in";
  if (op.kernel > 1) weights.append("*").append(std::to_string(op.kernel * op.kernel));
  if (op.grouped) weights.append("/g");
  doc.cost = binary_conv_unit_cost(weights) + (with_shortcut ? "; plus " + kShortcutCost : "");
  return doc;
}

}  // namespace

void register_binary_conv_ops(OpTable& table) {
  for (const ConvOp& op : kConvOps) {
    table.add(op.name, conv_doc(op, false), true, conv_factory(op, false));
    table.add(std::string(op.name) + "_skip", conv_doc(op, true), true, conv_factory(op, true));
  }
  // aw_nas's xnor_* ops carry the conditional skip unless named _noskip.
  table.alias("xnor_conv_1x1", "bconv_1x1_skip");
  table.alias("xnor_conv_3x3", "bconv_3x3_skip");
  table.alias("xnor_conv_3x3_noskip", "bconv_3x3");
  table.alias("xnor_conv_3x3_cond_skip", "bconv_3x3_skip");
  table.alias("xnor_conv_1x1_noskip", "bconv_1x1");
  table.alias("xnor_conv_5x5", "bconv_5x5_skip");
  table.alias("xnor_conv_5x5_noskip", "bconv_5x5");
  table.alias("xnor_group_conv_3x3", "group_bconv_3x3_skip");
  table.alias("xnor_dil_conv_3x3", "dil_bconv_3x3_skip");
  table.alias("xnor_dil_conv_5x5", "dil_bconv_5x5_skip");
  // The alias names the op shape (3x3 with shortcut); the layer order stays the space's, so a
  // genotype means the same network whichever name it uses. aw_nas's bireal ops are
  // conv_bn_relu: set layer_order to get exactly those.
  table.alias("bireal_conv_3x3", "bconv_3x3_skip");
}

}  // namespace bitnas

// Cell preprocess ops (docs/DESIGN.md, The cell space): map a cell input to the cell width C, DARTS
// style, in full precision or binary, or not at all.
#include <stdexcept>
#include <string>

#include "ops/layers/identity.hpp"
#include "ops/layers/relu.hpp"
#include "search_spaces/binary_conv_unit.hpp"
#include "search_spaces/factorized_pair.hpp"
#include "search_spaces/op_table.hpp"
#include "search_spaces/space_layers.hpp"

namespace bitnas {

namespace {

// A factorized reduce halves H and W and gives each of its two branches half of c_out.
void require_factorizable(int c_out, int stride) {
  if (stride != 2 || c_out % 2 != 0)
    throw std::invalid_argument("a factorized reduce needs stride 2 and an even c_out");
}

// DARTS ReLUConvBN(1x1).
std::unique_ptr<Module> relu_conv_bn_1x1(int c_in, int c_out, int stride,
                                         const OpContext& context) {
  auto seq = std::make_unique<Sequential>();
  seq->add(std::make_unique<ReLU>(), "relu");
  seq->add(make_fp_conv(c_in, c_out, 1, stride, context), "conv");
  seq->add(make_batch_norm(c_out, context), "bn");
  return seq;
}

std::unique_ptr<Module> bin_conv_bn_1x1(int c_in, int c_out, int stride, const OpContext& context) {
  return make_binary_conv_unit(c_in, c_out, same_padded(1, stride),
                               context.space.binary.layer_order, nullptr, context);
}

// DARTS FactorizedReduce: ReLU, two 1x1 stride-2 convs (second on the shifted input),
// concatenated, BN.
std::unique_ptr<Module> factorized_reduce(int c_in, int c_out, int stride,
                                          const OpContext& context) {
  require_factorizable(c_out, stride);
  auto seq = std::make_unique<Sequential>();
  seq->add(std::make_unique<ReLU>(), "relu");
  // Built first: argument order would leave the rng draws unspecified.
  auto first = make_fp_conv(c_in, c_out / 2, 1, stride, context);
  seq->add(
      make_factorized_pair(std::move(first), make_fp_conv(c_in, c_out / 2, 1, stride, context)),
      "convs");
  seq->add(make_batch_norm(c_out, context), "bn");
  return seq;
}

// The binary counterpart: the two 1x1 convs are binary units in the space's layer order,
// which place the BN (and ReLU). DARTS' leading ReLU is dropped: sign() of a ReLU output is
// constant +1 (docs/DESIGN.md, Layer orders), so the convs would see no information.
std::unique_ptr<Module> bin_factorized_reduce(int c_in, int c_out, int stride,
                                              const OpContext& context) {
  require_factorizable(c_out, stride);
  auto first = bin_conv_bn_1x1(c_in, c_out / 2, stride, context);  // see factorized_reduce
  return make_factorized_pair(std::move(first), bin_conv_bn_1x1(c_in, c_out / 2, stride, context));
}

std::unique_ptr<Module> identity(int c_in, int c_out, int stride, const OpContext&) {
  if (stride != 1 || c_in != c_out)
    throw std::invalid_argument("identity needs stride 1 and c_in == c_out");
  return std::make_unique<Identity>();
}

}  // namespace

void register_preprocess_ops(OpTable& table) {
  table.add("relu_conv_bn_1x1",
            {"full-precision ReLU, Conv1x1, BN (DARTS preprocess)", "stride from the caller",
             "fp c_in*c_out + BN(c_out); FLOPs c_in*c_out * H' * W'"},
            false, relu_conv_bn_1x1);
  table.add("bin_conv_bn_1x1",
            {"binary conv 1x1 in the space's layer order",
             "stride from the caller; layer order and conv knobs from binary_op",
             binary_conv_unit_cost("c_out*c_in")},
            true, bin_conv_bn_1x1);
  table.add("factorized_reduce",
            {"full-precision DARTS factorized reduce: ReLU, two 1x1 stride-2 convs (the second "
             "on the one-pixel-shifted input), concat, BN",
             "needs stride 2 and an even c_out; each conv gives c_out / 2 channels",
             "fp c_in*c_out + BN(c_out); FLOPs c_in*c_out * H' * W'"},
            false, factorized_reduce);
  table.add("bin_factorized_reduce",
            {"binary factorized reduce: two binary 1x1 stride-2 units (the second on the "
             "one-pixel-shifted input), concatenated",
             "needs stride 2 and an even c_out; each unit gives c_out / 2 channels, in the "
             "space's layer order",
             "binary c_in*c_out; BOPs (c_in*c_out) * H' * W'; fp 2 BN(c_in) in bn_conv_relu / "
             "bn_relu_conv, BN(c_out) in conv_bn_relu / sign_conv_bn"},
            true, bin_factorized_reduce);
  table.add("identity",
            {"no preprocessing (stride 1, equal widths)", "needs stride 1 and c_in == c_out",
             "nothing: no weights, no multiply-accumulates"},
            false, identity);
}

}  // namespace bitnas

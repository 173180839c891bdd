#include "search_spaces/downsample.hpp"

#include <stdexcept>
#include <string>

#include "ops/layers/avg_pool2d.hpp"
#include "ops/layers/identity.hpp"
#include "ops/layers/relu.hpp"
#include "search_spaces/binary_conv_unit.hpp"
#include "search_spaces/factorized_pair.hpp"
#include "search_spaces/resize_channels.hpp"
#include "search_spaces/space_layers.hpp"

namespace bitnas {

namespace {

void require_fit(bool ok, Downsample kind, int c_in, int c_out, int stride,
                 const std::string& need) {
  if (!ok)
    throw std::invalid_argument(std::string("downsample ") + to_string(kind) + " (c_in " +
                                std::to_string(c_in) + ", c_out " + std::to_string(c_out) +
                                ", stride " + std::to_string(stride) + "): " + need);
}

// The AvgPool that BMXNet's pooled shortcuts start with; nothing at stride 1.
void add_strided_pool(Sequential& seq, int stride) {
  if (stride > 1) seq.add(std::make_unique<AvgPool2d>(strided_pool_window(stride)), "pool");
}

std::unique_ptr<Module> binary_factorized(int c_in, int stride, const OpContext& context) {
  auto branch = [&] {
    auto pool = std::make_unique<AvgPool2d>(strided_pool_window(stride));
    return make_binary_conv_unit(c_in, c_in, same_padded(3, stride),
                                 context.space.binary.layer_order, std::move(pool), context);
  };
  auto first = branch();  // built first: argument order would leave the rng draws unspecified
  return make_factorized_pair(std::move(first), branch());
}

}  // namespace

std::unique_ptr<Module> make_downsample(Downsample kind, int c_in, int c_out, int stride,
                                        const OpContext& context) {
  require_fit(c_in >= 1 && c_out >= 1 && stride >= 1, kind, c_in, c_out, stride,
              "widths and stride must be >= 1");
  auto seq = std::make_unique<Sequential>();
  switch (kind) {
    case Downsample::fp_conv:
      seq->add(make_fp_conv(c_in, c_out, 1, stride, context), "conv");
      seq->add(make_batch_norm(c_out, context), "bn");
      seq->add(std::make_unique<ReLU>(), "relu");
      return seq;
    case Downsample::avgpool:
      require_fit(c_out >= c_in, kind, c_in, c_out, stride,
                  "it appends zero channels, so c_out must be >= c_in");
      seq->add(std::make_unique<AvgPool2d>(PoolWindow{.kernel = 1, .stride = stride}), "pool");
      if (c_out > c_in) seq->add(std::make_unique<ResizeChannels>(c_in, c_out), "pad");
      return seq;
    case Downsample::binary_conv:
      return make_binary_conv_unit(c_in, c_out, same_padded(3, stride),
                                   context.space.binary.layer_order, nullptr, context);
    case Downsample::binary_factorized:
      require_fit(stride == 2 && c_out == 2 * c_in, kind, c_in, c_out, stride,
                  "it concatenates two stride-2 halves of width c_in, so it needs stride 2 "
                  "and c_out == 2 * c_in");
      return binary_factorized(c_in, stride, context);
    case Downsample::avgpool_fp_conv:
      add_strided_pool(*seq, stride);
      seq->add(make_fp_conv(c_in, c_out, 1, 1, context), "conv");
      seq->add(make_batch_norm(c_out, context), "bn");
      return seq;
    case Downsample::avgpool_binary_conv:
      // BMXNet's activated 1x1 conv then BN: the sign_conv_bn unit, whatever the space's order.
      add_strided_pool(*seq, stride);
      seq->add(make_binary_conv_unit(c_in, c_out, same_padded(1, 1), LayerOrder::sign_conv_bn,
                                     nullptr, context),
               "unit");
      return seq;
  }
  throw std::logic_error("make_downsample: unknown Downsample value");
}

std::string shortcut_cost() {
  return "nothing at stride 1 with c_in = c_out; else the space's downsample: fp_conv and "
         "avgpool_fp_conv fp c_in*c_out + BN(c_out), FLOPs c_in*c_out * H' * W'; avgpool "
         "nothing; binary_conv binary 9*c_in*c_out, BOPs (9*c_in*c_out) * H' * W' and its BN; "
         "avgpool_binary_conv binary c_in*c_out, BOPs (c_in*c_out) * H' * W', fp BN(c_out); "
         "binary_factorized binary 18*c_in*c_in, BOPs (18*c_in*c_in) * H' * W', fp 2 BN(c_in)";
}

std::unique_ptr<Module> make_shortcut(int c_in, int c_out, int stride, const OpContext& context) {
  if (stride == 1 && c_in == c_out) return std::make_unique<Identity>();
  return make_downsample(context.space.downsample, c_in, c_out, stride, context);
}

}  // namespace bitnas

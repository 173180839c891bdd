// Candidate ops without weights of their own: skip_connect, the 3x3 pools, none; and
// `shortcut`, the residual connection that may carry the space's (weighted) downsample.
#include <stdexcept>
#include <string>

#include "ops/layers/avg_pool2d.hpp"
#include "ops/layers/identity.hpp"
#include "ops/layers/max_pool2d.hpp"
#include "ops/layers/zero.hpp"
#include "search_spaces/downsample.hpp"
#include "search_spaces/op_table.hpp"
#include "search_spaces/resize_channels.hpp"

namespace bitnas {

namespace {

void require_same_width(int c_in, int c_out) {
  if (c_in != c_out)
    throw std::invalid_argument("a pooling op keeps the channel count, but c_in (" +
                                std::to_string(c_in) + ") != c_out (" + std::to_string(c_out) +
                                "); use a conv or skip_connect to change widths");
}

constexpr const char* kNothing = "nothing: no weights, no multiply-accumulates";

constexpr PoolWindow pool_3x3(int stride) { return {.kernel = 3, .stride = stride, .padding = 1}; }

}  // namespace

void register_parameter_free_ops(OpTable& table) {
  // In a binary space a skip that needs weights to cross a stride would be a full-precision
  // conv under a parameter-free name, which the search would then prefer for free.
  table.add_parameter_free(
      "skip_connect",
      {"identity at stride 1 with equal widths, else average pool 3x3 and channels repeated "
       "cyclically to the output width (no weights)",
       "stride from the edge (pool 3x3, padding 1, padding not counted); needs c_out >= c_in",
       kNothing},
      [](int c_in, int c_out, int stride, const OpContext&) -> std::unique_ptr<Module> {
        if (stride == 1 && c_in == c_out) return std::make_unique<Identity>();
        if (c_out < c_in)
          throw std::invalid_argument("skip_connect: c_in " + std::to_string(c_in) + " -> c_out " +
                                      std::to_string(c_out) +
                                      ": it repeats channels, so c_out must be >= c_in");
        auto seq = std::make_unique<Sequential>();
        if (stride > 1)
          seq->add(std::make_unique<AvgPool2d>(pool_3x3(stride), /*count_include_pad=*/false), "pool");
        if (c_in != c_out)
          seq->add(std::make_unique<ResizeChannels>(c_in, c_out, ChannelFill::repeat), "repeat");
        return seq;
      });
  table.add("shortcut",
            {"residual shortcut: identity at stride 1 with equal widths, else the space's "
             "downsample (its weights are counted)",
             "stride from the edge; the variant from the space's downsample", shortcut_cost()},
            false, [](int c_in, int c_out, int stride, const OpContext& context) {
              return make_shortcut(c_in, c_out, stride, context);
            });
  // DARTS divides by the real taps only (count_include_pad=False).
  table.add_parameter_free("avg_pool_3x3",
            {"average pool 3x3, padding 1, padding not counted",
             "stride from the edge; needs c_in == c_out", kNothing},
            [](int c_in, int c_out, int stride, const OpContext&) -> std::unique_ptr<Module> {
              require_same_width(c_in, c_out);
              return std::make_unique<AvgPool2d>(pool_3x3(stride), /*count_include_pad=*/false);
            });
  table.add_parameter_free("max_pool_3x3",
            {"max pool 3x3, padding 1", "stride from the edge; needs c_in == c_out", kNothing},
            [](int c_in, int c_out, int stride, const OpContext&) -> std::unique_ptr<Module> {
              require_same_width(c_in, c_out);
              return std::make_unique<MaxPool2d>(pool_3x3(stride));
            });
  table.add_parameter_free("none",
            {"zeros shaped like the edge's output", "stride and widths from the edge", kNothing},
            [](int c_in, int c_out, int stride, const OpContext&) -> std::unique_ptr<Module> {
              if (c_in == c_out) return std::make_unique<Zero>(stride);
              auto seq = std::make_unique<Sequential>();
              seq->add(std::make_unique<Zero>(stride), "zero");
              seq->add(std::make_unique<ResizeChannels>(c_in, c_out), "resize");
              return seq;
            });
}

}  // namespace bitnas

// Size keys have upper bounds checked at parse time, and a config whose estimated memory
// exceeds the limit is refused before anything is allocated.
#include <gtest/gtest.h>

#include <iostream>

#include "evaluators/memory_budget.hpp"
#include "evaluators/train_request.hpp"
#include "nas/input_spec_option.hpp"
#include "nas/search/search_config.hpp"
#include "search_spaces/embedded_configs.hpp"
#include "search_spaces/model_spec.hpp"
#include "tests/support/error_text.hpp"

namespace bitnas {
namespace {

using testing::contains;
using testing::error_of;

std::string space_with(const std::string& key_line) {
  return "search_space:\n  num_layers: 2\n  cell_layout: [0, 1]\n  primitives: [bconv_3x3, "
         "skip_connect]\n" +
         key_line + "\n";
}

std::string space_error(const std::string& key_line) {
  return error_of([&] { parse_search_config(space_with(key_line), "s.yaml"); });
}

TEST(ResourceLimits, SearchSpaceSizeKeysHaveUpperBounds) {
  EXPECT_EQ(space_error("  num_steps: 300"),
            "s.yaml:5: search_space.num_steps: must be in [1, 32], got 300");
  EXPECT_EQ(space_error("  init_channels: 100000"),
            "s.yaml:5: search_space.init_channels: must be in [1, 4096], got 100000");
  EXPECT_EQ(space_error("  num_init_nodes: 1000"),
            "s.yaml:5: search_space.num_init_nodes: must be in [1, 8], got 1000");
  EXPECT_EQ(space_error("  num_node_inputs: 99"),
            "s.yaml:5: search_space.num_node_inputs: must be in [1, 8], got 99");
  EXPECT_EQ(space_error("  layer_channels: [8, 8, 99999]"),
            "s.yaml:5: search_space.layer_channels: widths must be in [1, 4096], got 99999");
  EXPECT_EQ(error_of([&] {
              parse_search_config("search_space:\n  num_layers: 100000\n  cell_layout: [0]\n  "
                                  "primitives: [bconv_3x3]\n",
                                  "s.yaml");
            }),
            "s.yaml:2: search_space.num_layers: must be in [1, 256], got 100000");
}

TEST(ResourceLimits, DoublingChannelsPastTheBoundNamesInitChannels) {
  const std::string message = error_of([&] {
    parse_search_config("search_space:\n  num_layers: 4\n  cell_layout: [1, 1, 1, 1]\n  "
                        "primitives: [bconv_3x3]\n  init_channels: 1024\n",
                        "s.yaml");
  });
  EXPECT_EQ(message,
            "s.yaml:5: search_space.init_channels: 1024 doubles at each reduce cell to 8192 "
            "channels in layer 2, above the limit of 4096");
}

TEST(ResourceLimits, ScheduleAndTrainerSizeKeysHaveUpperBounds) {
  const std::string space = space_with("");
  auto search = [&](const std::string& extra) {
    return error_of([&] { parse_search_config(space + extra, "s.yaml"); });
  };
  EXPECT_EQ(search("search: {batch_size: 1000000}"),
            "s.yaml:6: search.batch_size: must be in [1, 65536], got 1000000");
  EXPECT_EQ(search("search: {epochs: 1000000}"),
            "s.yaml:6: search.epochs: must be in [1, 10000], got 1000000");
  EXPECT_EQ(search("search: {threads: 100000}"),
            "s.yaml:6: search.threads: must be in [0, 1024], got 100000");
  EXPECT_EQ(search("evaluator: {batch_size: 1000000}"),
            "s.yaml:6: evaluator.batch_size: must be in [1, 65536], got 1000000");
  EXPECT_EQ(search("controller: {type: reinforce, hidden_size: 100000}"),
            "s.yaml:6: controller.hidden_size: must be in [1, 4096], got 100000");
  EXPECT_EQ(search("data: {train_limit: 2000000000}"),
            "s.yaml:6: data.train_limit: must be in [0, 10000000], got 2000000000");
  auto train = [&](const std::string& trainer) {
    return error_of([&] { make_train_request("baseline: resnete18\n" + trainer, "t.yaml", {}); });
  };
  EXPECT_EQ(train("trainer: {batch_size: 100000000}"),
            "t.yaml:2: trainer.batch_size: must be in [1, 65536], got 100000000");
  EXPECT_EQ(train("trainer: {eval_batch_size: 0}"),
            "t.yaml:2: trainer.eval_batch_size: must be in [1, 65536], got 0");
  EXPECT_EQ(train("trainer: {threads: 100000}"),
            "t.yaml:2: trainer.threads: must be in [0, 1024], got 100000");
}

TEST(ResourceLimits, InputSizesHaveUpperBounds) {
  EXPECT_TRUE(contains(error_of([] { cli::parse_input_spec("3x100000x32"); }),
                       "--input '3x100000x32': height and width must be at most 4096"));
  EXPECT_TRUE(contains(error_of([] { cli::parse_input_spec("100000x32x32"); }),
                       "--input '100000x32x32': at most 64 channels"));
  EXPECT_EQ(cli::parse_input_spec("3x224x224").height, 224);
}

TEST(ResourceLimits, SupernetEstimateGrowsWithTheSpace) {
  const SearchConfig small = parse_search_config(
      "search_space:\n  num_layers: 2\n  cell_layout: [0, 1]\n  num_steps: 2\n  primitives: "
      "[bconv_3x3, skip_connect]\n  init_channels: 8\n",
      "small.yaml");
  const SearchConfig big = parse_search_config(
      "search_space:\n  num_layers: 2\n  cell_layout: [0, 1]\n  num_steps: 4\n  primitives: "
      "[bconv_3x3, skip_connect]\n  init_channels: 16\n",
      "big.yaml");
  const InputSpec input{1, 28, 28, 10};
  const MemoryEstimate a = estimate_memory(small.space, input, ModelKind::supernet_all_ops, 64, 0);
  const MemoryEstimate b = estimate_memory(big.space, input, ModelKind::supernet_all_ops, 64, 0);
  EXPECT_GT(a.parameter_bytes, 0);
  EXPECT_GT(b.parameter_bytes, 2 * a.parameter_bytes);  // more edges, wider
  EXPECT_GT(b.activation_bytes, a.activation_bytes);
  const MemoryEstimate net = estimate_memory(small.space, input, ModelKind::network, 64, 0);
  EXPECT_LT(net.parameter_bytes, a.parameter_bytes);  // one op per edge, not every primitive
  EXPECT_LT(net.activation_bytes, a.activation_bytes);
  // A supernet trained along sampled paths holds every op but runs a network's worth.
  const MemoryEstimate path = estimate_memory(small.space, input, ModelKind::supernet_path, 64, 0);
  EXPECT_DOUBLE_EQ(path.parameter_bytes, a.parameter_bytes);
  EXPECT_DOUBLE_EQ(path.activation_bytes, net.activation_bytes);
  const MemoryEstimate inference =
      estimate_memory(small.space, input, ModelKind::network, 64, 0, Workload::inference);
  EXPECT_LT(inference.activation_bytes, net.activation_bytes);  // nothing kept for backward
  EXPECT_DOUBLE_EQ(inference.parameter_bytes, net.parameter_bytes / 2);  // no Adam moments
  const MemoryEstimate doubled_batch =
      estimate_memory(small.space, input, ModelKind::supernet_all_ops, 128, 0);
  EXPECT_DOUBLE_EQ(doubled_batch.activation_bytes, 2 * a.activation_bytes);
}

TEST(ResourceLimits, ShippedQuickstartFitsInAFewGigabytes) {
  const SearchConfig c = parse_search_config(R"(search_space:
  num_layers: 5
  cell_layout: [0, 1, 0, 1, 0]
  num_steps: 3
  primitives: [bconv_3x3, bconv_5x5, dil_bconv_3x3, bconv_1x1, skip_connect, max_pool_3x3,
               avg_pool_3x3, none]
  init_channels: 16
)",
                                             "q.yaml");
  const MemoryEstimate e = estimate_memory(c.space, dataset_input(c.data), ModelKind::supernet_path,
                                           64, dataset_bytes(c.data));
  EXPECT_LT(e.total(), 4.0 * (1 << 30)) << format_bytes(e.total());
  EXPECT_NO_THROW(check_memory_budget(e, std::nullopt, "q.yaml", "sizes", "batch"));
}

TEST(ResourceLimits, ConfigNeedingTooMuchIsRefusedWithTheEstimateAndTheKey) {
  const SearchConfig c = parse_search_config(R"(search_space:
  num_layers: 16
  cell_layout: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
  num_steps: 32
  primitives: [bconv_3x3, bconv_5x5, dil_bconv_3x3, bconv_1x1, skip_connect]
  init_channels: 1024
)",
                                             "huge.yaml");
  const MemoryEstimate e = estimate_memory(c.space, dataset_input(c.data), ModelKind::supernet_path,
                                           1, dataset_bytes(c.data));
  EXPECT_GT(e.total(), physical_memory_bytes());
  EXPECT_GT(e.parameter_bytes, e.activation_bytes);
  const std::string message = error_of([&] {
    check_memory_budget(e, std::nullopt, "huge.yaml", "search_space.init_channels",
                        "search.batch_size");
  });
  EXPECT_TRUE(contains(message, "huge.yaml: needs an estimated " + format_bytes(e.total())))
      << message;
  EXPECT_TRUE(contains(message, "more than this machine's physical memory of")) << message;
  EXPECT_TRUE(contains(message, "lower search_space.init_channels")) << message;
}

TEST(ResourceLimits, MaxMemoryLimitsBelowPhysicalMemory) {
  MemoryEstimate e;
  e.activation_bytes = 3.0 * (1 << 30);
  EXPECT_NO_THROW(check_memory_budget(e, std::nullopt, "a.yaml", "sizes", "search.batch_size"));
  const std::string message = error_of(
      [&] { check_memory_budget(e, parse_memory_size("2G"), "a.yaml", "sizes", "search.batch_size"); });
  EXPECT_EQ(message,
            "a.yaml: needs an estimated 3.0 GiB (parameters 0 bytes, activations 3.0 GiB, data 0 "
            "bytes), more than the --max-memory limit of 2.0 GiB; lower search.batch_size (or "
            "raise --max-memory)");
}

TEST(ResourceLimits, ParsesMemorySizes) {
  EXPECT_DOUBLE_EQ(parse_memory_size("512M"), 512.0 * (1 << 20));
  EXPECT_DOUBLE_EQ(parse_memory_size("8g"), 8.0 * (1 << 30));
  EXPECT_DOUBLE_EQ(parse_memory_size("1000"), 1000.0);
  for (const char* bad : {"", "G", "-1G", "12X", "1e999", "nan"})
    EXPECT_TRUE(contains(error_of([&] { parse_memory_size(bad); }), "--max-memory")) << bad;
}

// The shipped searches and trainings must start on the 24 GiB machine the project targets,
// with room to spare; printed so each estimate can be compared with what a run really uses.
TEST(ResourceLimits, ShippedConfigsFitInSixteenGigabytes) {
  const double sixteen_gib = 16.0 * (1 << 30);
  int checked = 0;
  for (const EmbeddedConfig& c : embedded_configs()) {
    SCOPED_TRACE(c.path);
    MemoryEstimate e;
    if (c.path.rfind("configs/search/", 0) == 0 || c.path == "configs/quickstart.yaml") {
      const SearchConfig config = parse_search_config(c.text, c.path);
      const ModelKind kind = config.controller.kind == ControllerKind::differentiable
                                 ? ModelKind::supernet_all_ops
                                 : ModelKind::supernet_path;
      e = estimate_memory(config.space, dataset_input(config.data), kind,
                          config.schedule.batch_size, dataset_bytes(config.data));
    } else if (c.path.rfind("configs/train/", 0) == 0) {
      const TrainRequest r = make_train_request(c.text, c.path, {});
      e = estimate_memory(r.model.space, dataset_input(r.data), ModelKind::network,
                          r.trainer.batch_size, dataset_bytes(r.data));
    } else {
      continue;
    }
    std::cout << c.path << ": " << format_bytes(e.total()) << "\n";
    EXPECT_NO_THROW(check_memory_budget(e, sixteen_gib, c.path, "sizes", "batch"));
    ++checked;
  }
  EXPECT_GE(checked, 15);
}

}  // namespace
}  // namespace bitnas

// `bitnas bench conv`: times the binary conv forward (packing the activations' signs included,
// weights packed once outside the timed region, as training packs them once per step) against
// the project's own float conv (im2col + Eigen) on the same shapes, in the same run. The shapes
// are the ResNet18 3x3 layers at CIFAR resolution: Cin = Cout, stride 1, pad 1.
#include "bench/bench_conv.hpp"
#include "bench/timing.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/core/random.hpp"
#include "ops/kernels/binary_conv.hpp"
#include "ops/kernels/float_conv.hpp"

namespace bitnas::cli {

namespace {

struct BenchConvOptions {
  int threads = 0;  // 0 (not given): every core
  int batch = 64;
  int repeats = 10;
  bool json = false;
  std::string isa;  // empty: active_isa()
  std::string pad = "zero";
};

struct LayerShape {
  const char* name;
  int channels, size;
};

constexpr LayerShape kResNet18Cifar3x3[] = {
    {"c64_32x32", 64, 32}, {"c128_16x16", 128, 16}, {"c256_8x8", 256, 8}, {"c512_4x4", 512, 4}};

struct LayerResult {
  std::string layer;
  double binary_ms, float_ms, binary_gops, float_gops;
};

LayerResult bench_layer(const LayerShape& shape, const BenchConvOptions& opt, Isa isa,
                        PadMode pad) {
  const ConvGeometry g = ConvGeometry::for_input(
      {opt.batch, shape.size, shape.size, shape.channels}, shape.channels, 3, 1, 1);
  Rng rng(0x5eed + static_cast<std::uint64_t>(shape.channels));
  Tensor x(g.input_shape()), w(g.weight_shape());
  fill_normal(x, rng, 0.0f, 1.0f);
  fill_fan_in_uniform(w, rng, g.k_per_group());

  const PackedWeights packed_w = pack_binary_weights(w, g.groups, isa);
  PackedActivations packed_x;
  Tensor y_binary(g.output_shape()), y_float;
  auto run_binary = [&] {
    pack_signs_nhwc(x, g.groups, packed_x);
    binary_conv_forward(packed_x, packed_w, g, pad, {}, y_binary);
  };
  auto run_float = [&] { y_float = float_conv_forward(x, w, g, pad_value(pad)); };

  // Warm-up: first-touch allocations, TBB worker start-up, caches.
  run_binary();
  run_float();
  // Alternate the two so drifting machine load hits both alike.
  std::vector<double> binary_ms, float_ms;
  for (int r = 0; r < opt.repeats; ++r) {
    binary_ms.push_back(milliseconds(run_binary));
    float_ms.push_back(milliseconds(run_float));
  }
  // Multiply-adds count two operations each, as for float GEMMs.
  const double ops = 2.0 * g.batch * g.out_pixels_per_image() * g.out_c * g.k_per_group();
  LayerResult r;
  r.layer = shape.name;
  r.binary_ms = median(binary_ms);
  r.float_ms = median(float_ms);
  r.binary_gops = ops / (r.binary_ms * 1e6);
  r.float_gops = ops / (r.float_ms * 1e6);
  return r;
}

void run_bench_conv(const BenchConvOptions& opt) {
  if (opt.threads < 0)
    throw std::invalid_argument("--threads must be >= 1, got " + std::to_string(opt.threads));
  if (opt.batch < 1)
    throw std::invalid_argument("--batch must be >= 1, got " + std::to_string(opt.batch));
  if (opt.repeats < 1)
    throw std::invalid_argument("--repeats must be >= 1, got " + std::to_string(opt.repeats));
  Isa isa = Isa::portable;
  PadMode pad = PadMode::zero;
  try {
    isa = opt.isa.empty() ? active_isa() : parse_isa(opt.isa);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string(opt.isa.empty() ? "BITNAS_ISA" : "--isa") + ": " +
                                e.what());
  }
  if (!isa_supported(isa))
    throw std::invalid_argument(std::string("--isa ") + to_string(isa) +
                                ": this CPU does not support that tier");
  try {
    pad = parse_pad_mode(opt.pad);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--pad: ") + e.what());
  }
  const int threads = opt.threads > 0 ? opt.threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));

  if (!opt.json) {
    std::printf(
        "binary conv (%s, pad %s, activation packing included) vs float conv "
        "(im2col + Eigen), median of %d\n",
        to_string(isa), to_string(pad), opt.repeats);
    std::printf("%-11s %-8s %7s %5s %11s %10s %7s %12s %11s\n", "layer", "isa", "threads", "batch",
                "binary_ms", "float_ms", "ratio", "binary_gops", "float_gops");
  }
  for (const LayerShape& shape : kResNet18Cifar3x3) {
    const LayerResult r = bench_layer(shape, opt, isa, pad);
    const double ratio = r.float_ms / r.binary_ms;
    if (opt.json) {
      const nlohmann::ordered_json j{
          {"layer", r.layer},          {"isa", to_string(isa)}, {"threads", threads},
          {"batch", opt.batch},        {"pad", to_string(pad)}, {"binary_ms", r.binary_ms},
          {"float_ms", r.float_ms},    {"ratio", ratio},        {"binary_gops", r.binary_gops},
          {"float_gops", r.float_gops}};
      std::cout << j.dump() << std::endl;
    } else {
      std::printf("%-11s %-8s %7d %5d %11.3f %10.3f %7.2f %12.1f %11.1f\n", r.layer.c_str(),
                  to_string(isa), threads, opt.batch, r.binary_ms, r.float_ms, ratio, r.binary_gops,
                  r.float_gops);
      std::fflush(stdout);
    }
  }
}

}  // namespace

void register_bench_conv(CLI::App& bench) {
  auto* cmd = bench.add_subcommand(
      "conv",
      "binary conv forward vs the float conv (im2col + Eigen) on the ResNet18 3x3 layers at "
      "CIFAR resolution (64ch 32x32, 128ch 16x16, 256ch 8x8, 512ch 4x4; stride 1, pad 1)");
  auto opt = std::make_shared<BenchConvOptions>();
  auto* threads =
      cmd->add_option("--threads", opt->threads, "worker threads (default: every core)");
  cmd->add_option("--batch", opt->batch, "images per forward")->capture_default_str();
  cmd->add_option("--repeats", opt->repeats, "timed runs per layer; the median is reported")
      ->capture_default_str();
  cmd->add_flag("--json", opt->json, "print one JSON object per layer and line");
  cmd->add_option("--isa", opt->isa,
                  "binary kernel tier: portable, avx2 or avx512 (default: the best this CPU "
                  "runs, or BITNAS_ISA)");
  cmd->add_option("--pad", opt->pad, "binary pad mode: zero, plus_one or minus_one")
      ->capture_default_str();
  cmd->callback([opt, threads] {
    if (threads->count() > 0 && opt->threads < 1)
      throw std::invalid_argument("--threads must be >= 1, got " + std::to_string(opt->threads));
    run_bench_conv(*opt);
  });
}

}  // namespace bitnas::cli

// `bitnas bench backward`: times float_conv_backward, the engine of the binary conv's backward
// (input and weight gradients: im2col, two GEMMs, col2im), on +-1 inputs and weights as the
// binary conv runs it, in float32 (Eigen) and in bfloat16 (bf16_gemm.hpp), alternating the two
// in one run and reporting medians and their ratio. Shapes: the ResNet18 3x3 layers at CIFAR
// resolution, as `bench conv`.
#include "bench/bench_backward.hpp"
#include "bench/timing.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/core/random.hpp"
#include "ops/kernels/bf16_gemm.hpp"
#include "ops/kernels/float_conv.hpp"

namespace bitnas::cli {

namespace {

struct BenchBackwardOptions {
  int threads = 0;  // 0 (not given): every core
  int batch = 64;
  int repeats = 7;
  bool json = false;
};

struct LayerShape {
  const char* name;
  int channels, size;
};

constexpr LayerShape kLayers[] = {
    {"c64_32x32", 64, 32}, {"c128_16x16", 128, 16}, {"c256_8x8", 256, 8}, {"c512_4x4", 512, 4}};

Tensor random_signs(const Shape& shape, Rng& rng) {
  Tensor t(shape);
  for (float& v : t.values()) v = rng.below(2) ? 1.0f : -1.0f;
  return t;
}

void run_bench_backward(const BenchBackwardOptions& opt) {
  if (opt.batch < 1) throw std::invalid_argument("--batch must be >= 1");
  if (opt.repeats < 1) throw std::invalid_argument("--repeats must be >= 1");
  if (best_bf16_kernel() != Bf16Kernel::avx512_bf16)
    throw std::runtime_error("bench backward: this CPU has no AVX512_BF16, so there is no "
                             "bfloat16 backward to time");
  const int threads = opt.threads > 0 ? opt.threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  if (!opt.json)
    std::printf("%-12s %12s %12s %8s   (batch %d, %d threads, median of %d)\n", "layer",
                "float32 ms", "bfloat16 ms", "ratio", opt.batch, threads, opt.repeats);
  for (const LayerShape& layer : kLayers) {
    const ConvGeometry g = ConvGeometry::for_input(
        {opt.batch, layer.size, layer.size, layer.channels}, layer.channels, 3, 1, 1);
    Rng rng(0xbacc + static_cast<std::uint64_t>(layer.channels));
    const Tensor x = random_signs(g.input_shape(), rng), w = random_signs(g.weight_shape(), rng);
    Tensor dy(g.output_shape());
    fill_normal(dy, rng, 0.0f, 1e-3f);
    Tensor grad_input, grad_weight(w.shape());
    auto run = [&](BackwardPrecision precision) {
      return milliseconds([&] {
        float_conv_backward(x, w, dy, g, 0.0f, &grad_input, &grad_weight, precision);
      });
    };
    run(BackwardPrecision::float32);  // warm-up: allocations, caches
    run(BackwardPrecision::bfloat16);
    std::vector<double> f32, bf16;
    for (int i = 0; i < opt.repeats; ++i) {  // alternated, so both see the same machine
      f32.push_back(run(BackwardPrecision::float32));
      bf16.push_back(run(BackwardPrecision::bfloat16));
    }
    const double f32_ms = median(f32), bf16_ms = median(bf16);
    if (opt.json) {
      std::cout << nlohmann::ordered_json{{"benchmark", "backward"},
                                          {"layer", layer.name},
                                          {"batch", opt.batch},
                                          {"threads", threads},
                                          {"float32_ms", f32_ms},
                                          {"bfloat16_ms", bf16_ms},
                                          {"ratio", f32_ms / bf16_ms}}
                       .dump()
                << std::endl;
    } else {
      std::printf("%-12s %12.2f %12.2f %7.2fx\n", layer.name, f32_ms, bf16_ms, f32_ms / bf16_ms);
    }
  }
}

}  // namespace

void register_bench_backward(CLI::App& bench) {
  auto* cmd = bench.add_subcommand(
      "backward",
      "the binary conv's backward (input and weight gradients) in float32 vs bfloat16 on the "
      "ResNet18 3x3 layers at CIFAR resolution; needs AVX512_BF16");
  auto opt = std::make_shared<BenchBackwardOptions>();
  auto* threads =
      cmd->add_option("--threads", opt->threads, "worker threads (default: every core)");
  cmd->add_option("--batch", opt->batch, "images per backward")->capture_default_str();
  cmd->add_option("--repeats", opt->repeats, "timed runs of each precision per layer (alternated); "
                  "the median is reported")->capture_default_str();
  cmd->add_flag("--json", opt->json, "print one JSON object per layer and line");
  cmd->callback([opt, threads] {
    if (threads->count() > 0 && opt->threads < 1)
      throw std::invalid_argument("--threads must be >= 1, got " + std::to_string(opt->threads));
    run_bench_backward(*opt);
  });
}

}  // namespace bitnas::cli

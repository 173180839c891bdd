// `bitnas bench train`: builds a full-width baseline network (xnor_resnet18 or resnete18, as
// shipped in configs/baselines/) and times whole training steps (train-mode forward,
// softmax cross-entropy, backward, Adam step) and whole evaluation forwards (eval mode) on one
// random batch drawn from a fixed seed. bench/torch_train.py builds the same two networks in
// PyTorch and prints the same keys, so the two programs can be compared line by line.
#include "bench/bench_train.hpp"
#include "bench/timing.hpp"

#include <sys/resource.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "nas/input_spec_option.hpp"
#include "ops/core/random.hpp"
#include "ops/kernels/cpu_features.hpp"
#include "ops/layers/binary_conv2d.hpp"
#include "ops/layers/cross_entropy.hpp"
#include "ops/optim/adam.hpp"
#include "search_spaces/model_spec.hpp"
#include "search_spaces/network.hpp"

namespace bitnas::cli {

namespace {

// The networks bench/torch_train.py also builds; other models would have nothing to compare to.
constexpr const char* kModels[] = {"xnor_resnet18", "resnete18"};

struct BenchTrainOptions {
  std::string model = "xnor_resnet18";
  std::string input = "3x32x32";
  int batch = 64;
  int classes = 10;
  int threads = 0;  // 0 (not given): every core
  int steps = 10;
  int warmup = 2;
  std::string phase = "both";  // both, train or eval
  std::string backward_precision = "float32";
  bool json = false;
};

struct TrainResult {
  double train_ms = 0.0, eval_ms = 0.0;  // medians per step / per forward; 0 when not run
  double peak_rss_mb = 0.0;
  std::int64_t params = 0;
};

std::string model_list() {
  std::string out;
  for (const char* m : kModels) out += (out.empty() ? "" : " or ") + std::string(m);
  return out;
}

TrainResult bench_model(const ModelSpec& spec, const InputSpec& input,
                        const BenchTrainOptions& opt) {
  Rng rng(0x7a1b5eed);
  std::unique_ptr<Network> net;
  try {
    net = std::make_unique<Network>(spec.space, spec.genotype, input, rng);
  } catch (const std::exception& e) {
    throw std::invalid_argument("--model " + opt.model + " with --input " + opt.input + ": " +
                                e.what());
  }
  const BackwardPrecision requested = parse_backward_precision(opt.backward_precision);
  // A benchmark that silently timed float32 under a bfloat16 label would mislead.
  if (set_binary_backward_precision(*net, requested) != requested)
    throw std::runtime_error(backward_precision_fallback_note("--backward-precision"));
  TrainResult r;
  for (const NamedParameter& p : net->parameters()) r.params += p.param->value.numel();

  // One fixed random batch: NHWC images ~ N(0, 1), labels uniform in [0, classes).
  Tensor x({opt.batch, input.height, input.width, input.channels});
  fill_normal(x, rng, 0.0f, 1.0f);
  std::vector<int> labels(static_cast<std::size_t>(opt.batch));
  for (int& label : labels) label = static_cast<int>(rng.below(static_cast<std::uint64_t>(opt.classes)));

  // Adam as the trainer builds it (lr 1e-3, no weight decay; latent weights clipped by step()).
  Adam optimizer(weight_decay_groups(net->parameters(), 1e-3f, 0.0f));
  auto train_step = [&] {
    optimizer.zero_grad();
    const Tensor logits = net->forward(x, Mode::train);
    const CrossEntropyStats s = softmax_cross_entropy(logits, labels);
    net->backward(softmax_cross_entropy_grad(logits, labels));
    optimizer.step();
    return s.loss;
  };
  float sink = 0.0f;  // keeps the evaluation forwards observable
  auto eval_forward = [&] { sink += net->forward(x, Mode::eval)[0]; };

  // Training first, then evaluation: weights stay fixed across the evaluation forwards (as
  // when scoring a trained architecture), so packed binary weights are built once there.
  std::vector<double> train_ms, eval_ms;
  double loss = 0.0;
  if (opt.phase != "eval") {
    for (int i = 0; i < opt.warmup; ++i) loss = train_step();
    for (int i = 0; i < opt.steps; ++i)
      train_ms.push_back(milliseconds([&] { loss = train_step(); }));
    r.train_ms = median(train_ms);
  }
  if (opt.phase != "train") {
    for (int i = 0; i < opt.warmup; ++i) eval_forward();
    for (int i = 0; i < opt.steps; ++i) eval_ms.push_back(milliseconds(eval_forward));
    r.eval_ms = median(eval_ms);
  }
  if (!std::isfinite(loss) || !std::isfinite(sink))
    throw std::runtime_error("bench train: the loss or the logits are not finite; the numbers "
                             "would be meaningless");

  r.peak_rss_mb = peak_rss_mb();
  return r;
}

void run_bench_train(const BenchTrainOptions& opt) {
  if (std::find_if(std::begin(kModels), std::end(kModels),
                   [&](const char* m) { return opt.model == m; }) == std::end(kModels))
    throw std::invalid_argument("--model '" + opt.model + "': unknown model (expected " +
                                model_list() + ")");
  if (opt.batch < 1)
    throw std::invalid_argument("--batch must be >= 1, got " + std::to_string(opt.batch));
  if (opt.classes < 1)
    throw std::invalid_argument("--classes must be >= 1, got " + std::to_string(opt.classes));
  if (opt.threads < 0)
    throw std::invalid_argument("--threads must be >= 1, got " + std::to_string(opt.threads));
  if (opt.steps < 1)
    throw std::invalid_argument("--steps must be >= 1, got " + std::to_string(opt.steps));
  if (opt.warmup < 0)
    throw std::invalid_argument("--warmup must be >= 0, got " + std::to_string(opt.warmup));
  if (opt.phase != "both" && opt.phase != "train" && opt.phase != "eval")
    throw std::invalid_argument("--phase '" + opt.phase + "': expected both, train or eval");
  try {
    parse_backward_precision(opt.backward_precision);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("--backward-precision: ") + e.what());
  }
  InputSpec input = parse_input_spec(opt.input);
  input.num_classes = opt.classes;
  Isa isa = Isa::portable;
  try {
    isa = active_isa();
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("BITNAS_ISA: ") + e.what());
  }
  const ModelSpec spec = baseline_spec(opt.model);

  const int threads = opt.threads > 0 ? opt.threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  const TrainResult r = bench_model(spec, input, opt);
  // A phase that did not run prints null (JSON) or "-" (table).
  const bool ran_train = opt.phase != "eval", ran_eval = opt.phase != "train";
  auto per_s = [&](double ms) { return opt.batch / (ms / 1e3); };
  auto maybe = [](bool ran, double v) { return ran ? nlohmann::ordered_json(v) : nullptr; };

  if (opt.json) {
    const nlohmann::ordered_json j{{"benchmark", "train"},
                                   {"program", "bitnas"},
                                   {"model", opt.model},
                                   {"input", input_spec_string(input)},
                                   {"classes", opt.classes},
                                   {"batch", opt.batch},
                                   {"threads", threads},
                                   {"isa", to_string(isa)},
                                   {"steps", opt.steps},
                                   {"warmup", opt.warmup},
                                   {"phase", opt.phase},
                                   {"backward_precision", opt.backward_precision},
                                   {"params", r.params},
                                   {"train_ms", maybe(ran_train, r.train_ms)},
                                   {"eval_ms", maybe(ran_eval, r.eval_ms)},
                                   {"train_img_per_s", maybe(ran_train, per_s(r.train_ms))},
                                   {"eval_img_per_s", maybe(ran_eval, per_s(r.eval_ms))},
                                   {"peak_rss_mb", r.peak_rss_mb}};
    std::cout << j.dump() << std::endl;
    return;
  }
  std::printf("%s: input %s, %d classes, batch %d, %d threads, isa %s, backward %s, %lld "
              "params\n",
              opt.model.c_str(), input_spec_string(input).c_str(), opt.classes, opt.batch,
              threads, to_string(isa), opt.backward_precision.c_str(),
              static_cast<long long>(r.params));
  std::printf("median of %d steps after %d warm-up steps\n", opt.steps, opt.warmup);
  std::printf("%-32s %10s %10s\n", "phase", "ms", "img/s");
  if (ran_train)
    std::printf("%-32s %10.1f %10.1f\n", "train (fwd + loss + bwd + Adam)", r.train_ms,
                per_s(r.train_ms));
  else
    std::printf("%-32s %10s %10s\n", "train (fwd + loss + bwd + Adam)", "-", "-");
  if (ran_eval)
    std::printf("%-32s %10.1f %10.1f\n", "eval (forward, eval mode)", r.eval_ms,
                per_s(r.eval_ms));
  else
    std::printf("%-32s %10s %10s\n", "eval (forward, eval mode)", "-", "-");
  std::printf("peak RSS %.1f MB\n", r.peak_rss_mb);
}

}  // namespace

void register_bench_train(CLI::App& bench) {
  auto* cmd = bench.add_subcommand(
      "train",
      "training steps (train-mode forward + cross-entropy + backward + Adam step) and "
      "evaluation forwards (eval mode) of a full-width baseline network on one random batch; "
      "reports the median step as images per second, and the peak RSS "
      "(compare with bench/torch_train.py)");
  auto opt = std::make_shared<BenchTrainOptions>();
  cmd->add_option("--model", opt->model,
                  "baseline network: xnor_resnet18 (AWNAS XNOR ResNet18) or resnete18 "
                  "(BMXNet-v2 ResNetE-18), as in configs/baselines/")
      ->capture_default_str();
  cmd->add_option("--input", opt->input,
                  "image size CxHxW (channels x height x width); selects the stem's input "
                  "width, not the stem kind")
      ->capture_default_str();
  cmd->add_option("--batch", opt->batch, "images per step")->capture_default_str();
  cmd->add_option("--classes", opt->classes, "number of classes (width of the FC head)")
      ->capture_default_str();
  auto* threads =
      cmd->add_option("--threads", opt->threads, "worker threads (default: every core)");
  cmd->add_option("--steps", opt->steps,
                  "timed training steps, and as many timed evaluation forwards; the median is "
                  "reported")
      ->capture_default_str();
  cmd->add_option("--warmup", opt->warmup,
                  "untimed training steps before the timed ones (and as many untimed "
                  "evaluation forwards)")
      ->capture_default_str();
  cmd->add_option("--phase", opt->phase,
                  "what to time: both, train (training steps only) or eval (evaluation "
                  "forwards only, on the freshly initialised network); one phase alone is "
                  "handy under a profiler")
      ->capture_default_str();
  cmd->add_option("--backward-precision", opt->backward_precision,
                  "arithmetic of the binary convs' backward GEMMs: float32 (exact) or bfloat16 "
                  "(needs AVX512_BF16)")
      ->capture_default_str();
  cmd->add_flag("--json", opt->json, "print one JSON object instead of the table");
  cmd->callback([opt, threads] {
    if (threads->count() > 0 && opt->threads < 1)
      throw std::invalid_argument("--threads must be >= 1, got " + std::to_string(opt->threads));
    run_bench_train(*opt);
  });
}

}  // namespace bitnas::cli

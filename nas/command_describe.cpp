// `bitnas describe MODEL`: builds the network and prints its cost accounting (docs/DESIGN.md, Cost
// accounting; docs/COST.md) per layer and in total, with the canonical genotype hash.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>

#include "evaluators/memory_budget.hpp"
#include "nas/commands.hpp"
#include "nas/human_number.hpp"
#include "nas/input_spec_option.hpp"
#include "nas/model_argument.hpp"
#include "nas/run_options.hpp"
#include "ops/core/random.hpp"
#include "search_spaces/cost.hpp"
#include "search_spaces/genotype_canonical.hpp"
#include "search_spaces/genotype_printer.hpp"
#include "search_spaces/network.hpp"

namespace bitnas::cli {

namespace {

struct DescribeOptions {
  std::string model;
  std::optional<std::string> space_config;
  std::optional<std::string> input;  // default: the model's designed input, else 1x28x28
  std::optional<int> classes;         // default: the model's designed classes, else 10
  std::string max_memory;
  bool json = false;
};

// An NHWC (or [N, C]) shape without the batch, channels first as --input writes it:
// [1, 32, 32, 64] -> [64, 32, 32]; [1, 10] -> [10].
std::vector<int> chw(const Shape& shape) {
  if (shape.size() == 4) return {shape[3], shape[1], shape[2]};
  return std::vector<int>(shape.begin() + (shape.empty() ? 0 : 1), shape.end());
}

std::string chw_string(const Shape& shape) {
  if (shape.empty()) return "-";
  std::string out;
  for (int d : chw(shape)) out += (out.empty() ? "" : "x") + std::to_string(d);
  return out;
}

// OPs and bytes are multiples of 1/64 and 1/8: integers in JSON when whole, else the exact
// double.
nlohmann::json exact_number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 9.0e15)
    return static_cast<std::int64_t>(value);
  return value;
}

// The exact decimal of a multiple of 1/64: "1714376", "17234567.25".
std::string exact_string(double value) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.6f", value);
  std::string s = buffer;
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string count_or_dash(std::int64_t value) { return value ? human_number(value) : "-"; }

nlohmann::json to_json(const ModelSpec& spec, const InputSpec& input, const CostReport& report,
                       const std::string& hash) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerCost& l : report.layers) {
    nlohmann::json shape_in = l.input_shape.empty() ? nlohmann::json() : nlohmann::json(chw(l.input_shape));
    nlohmann::json shape_out = l.output_shape.empty() ? nlohmann::json() : nlohmann::json(chw(l.output_shape));
    layers.push_back({{"name", l.name},
                      {"type", l.type},
                      {"input_shape", shape_in},
                      {"output_shape", shape_out},
                      {"fp_params", l.fp_params},
                      {"binary_params", l.binary_params},
                      {"flops", l.flops},
                      {"bops", l.bops},
                      {"classifier", l.classifier}});
  }
  const CostTotals& t = report.total;
  return {{"name", spec.name},
          {"source", spec.source},
          {"genotype", to_string(spec.genotype)},
          {"hash", hash},
          {"input",
           {{"channels", input.channels},
            {"height", input.height},
            {"width", input.width},
            {"num_classes", input.num_classes}}},
          {"layers", layers},
          {"total",
           {{"fp_params", t.fp_params},
            {"binary_params", t.binary_params},
            {"params", t.params()},
            {"flops", t.flops},
            {"bops", t.bops},
            {"ops", exact_number(t.ops())},
            {"ops_without_fc", exact_number(t.ops_without_fc())},
            {"bytes", exact_number(t.bytes())}}}};
}

void print_table(std::ostream& out, const ModelSpec& spec, const InputSpec& input,
                 const CostReport& report, const std::string& hash) {
  out << "model     " << spec.name << " (" << spec.source << ")\n";
  out << "genotype  " << to_string(spec.genotype) << "\n";
  out << "hash      " << hash << "\n";
  out << "input     " << input_spec_string(input) << ", " << input.num_classes << " classes\n\n";

  std::size_t name_width = 5;
  for (const LayerCost& l : report.layers) name_width = std::max(name_width, l.name.size());
  auto row = [&](const std::string& name, const std::string& type, const std::string& shape,
                 const std::string& fp, const std::string& bin, const std::string& flops,
                 const std::string& bops) {
    out << std::left << std::setw(static_cast<int>(name_width) + 2) << name << std::setw(16)
        << type << std::setw(11) << shape << std::right << std::setw(10) << fp << std::setw(12)
        << bin << std::setw(10) << flops << std::setw(10) << bops << "\n";
  };
  row("layer", "type", "output", "fp params", "bin params", "FLOPs", "BOPs");
  for (const LayerCost& l : report.layers)
    row(l.name, l.type, chw_string(l.output_shape), count_or_dash(l.fp_params),
        count_or_dash(l.binary_params), count_or_dash(l.flops), count_or_dash(l.bops));
  const CostTotals& t = report.total;
  row("total", "", "", human_number(t.fp_params), human_number(t.binary_params),
      human_number(t.flops), human_number(t.bops));

  out << "\nparameters  " << human_number(t.params()) << " (" << t.params() << ": "
      << t.fp_params << " full precision, " << t.binary_params << " binary)\n";
  out << "FLOPs       " << human_number(t.flops, "FLOPs") << " (" << t.flops
      << " full-precision multiply-accumulates)\n";
  out << "BOPs        " << human_number(t.bops, "BOPs") << " (" << t.bops
      << " binary multiply-accumulates)\n";
  out << "OPs         " << human_number(t.ops(), "OPs") << " (" << exact_string(t.ops())
      << " = FLOPs + BOPs / 64; " << exact_string(t.ops_without_fc())
      << " without the final FC)\n";
  out << "size        " << human_number(t.bytes(), "B") << " (" << exact_string(t.bytes())
      << " bytes = binary params / 8 + fp params * 4)\n";
}

void run_describe(const DescribeOptions& o) {
  const ModelSpec spec = resolve_model_argument(o.model, o.space_config);
  const std::optional<DesignedInput>& designed = spec.designed_input;
  InputSpec input = designed ? InputSpec{designed->channels, designed->height, designed->width,
                                         designed->classes}
                             : InputSpec{};
  if (o.input) input = parse_input_spec(*o.input, input);
  if (o.classes) input.num_classes = *o.classes;
  check_memory_budget(estimate_memory(spec.space, input, ModelKind::network, 1, 0,
                                      Workload::inference),
                      max_memory_bytes(o.max_memory),
                      spec.source, "--input or the model's widths (layer_channels)", "--input");
  Rng rng(0);  // weights do not affect costs
  Network network(spec.space, spec.genotype, input, rng);
  const CostReport report = measure_costs(network);
  const std::string hash = genotype_hash(spec.genotype, spec.space.num_init_nodes);
  if (o.json)
    std::cout << to_json(spec, input, report, hash).dump() << "\n";
  else
    print_table(std::cout, spec, input, report, hash);
}

}  // namespace

void register_describe_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "describe",
      "build a model and print its costs per layer and in total: full-precision and binary "
      "parameters, FLOPs (full-precision multiply-accumulates), BOPs (binary "
      "multiply-accumulates), OPs = FLOPs + BOPs/64 and size = binary/8 + fp*4 bytes (see "
      "docs/COST.md for what is and is not counted), plus the canonical genotype hash");
  auto o = std::make_shared<DescribeOptions>();
  cmd->add_option("MODEL", o->model, model_argument_help())->required();
  cmd->add_option("--config", o->space_config, space_config_help());
  cmd->add_option("--input", o->input,
                  "input image size as CxHxW (channels x height x width); 1x28x28 is "
                  "Fashion-MNIST, 3x32x32 CIFAR, 3x224x224 ImageNet. Default: the model's own "
                  "(`input:` of its config, 3x224x224 for the *_imagenet baselines), else 1x28x28");
  cmd->add_option("--classes", o->classes,
                  "number of classes (width of the final FC). Default: the model's own, else 10")
      ->check(CLI::Range(1, kMaxClasses));
  add_max_memory_option(cmd, o->max_memory);
  cmd->add_flag("--json", o->json,
                "print one JSON object instead of the table: name, source, genotype, hash, "
                "input, layers (name, type, input_shape and output_shape as [C, H, W] or [F] "
                "or null, fp_params, binary_params, flops, bops, classifier) and total "
                "(fp_params, binary_params, params, flops, bops, ops, ops_without_fc, bytes), "
                "all exact");
  cmd->callback([o] { run_describe(*o); });
}

}  // namespace bitnas::cli

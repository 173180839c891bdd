#include "nas/search/search_config.hpp"

#include "ops/core/fnv_hash.hpp"
#include "search_spaces/architecture_id.hpp"

namespace bitnas {

const char* to_string(PathSampling sampling) {
  switch (sampling) {
    case PathSampling::uniform: return "uniform";
    case PathSampling::fair: return "fair";
    case PathSampling::controller: return "controller";
  }
  return "?";
}

namespace {

// Bounds beside the shared ones of train_config.hpp.
constexpr int kMaxSteps = 10'000'000;
constexpr int kMaxSamplesPerStep = 4'096;
constexpr double kMaxTimeBudgetSeconds = 365.0 * 24 * 3600;

SearchSchedule parse_schedule(const ConfigSection& s) {
  SearchSchedule c;
  c.epochs = s.get_int_in("epochs", c.epochs, 1, kMaxEpochs);
  c.supernet_steps_per_epoch = s.get_int_in("supernet_steps_per_epoch", 0, 0, kMaxSteps);
  c.warmup_epochs = s.get_int_in("warmup_epochs", 0, 0, c.epochs);
  c.controller_epochs = s.get_int_in("controller_epochs", 0, 0, kMaxEpochs);
  c.controller_steps_per_epoch =
      s.get_int_in("controller_steps_per_epoch", c.controller_steps_per_epoch, 0, kMaxSteps);
  if (c.controller_epochs > 0 && c.controller_steps_per_epoch == 0)
    s.fail("controller_steps_per_epoch", "controller_epochs need controller steps (> 0)");
  c.samples_per_step = s.get_int_in("samples_per_step", c.samples_per_step, 1, kMaxSamplesPerStep);
  c.batch_size = s.get_int_in("batch_size", c.batch_size, 1, kMaxBatchSize);
  const std::string sampling =
      s.get_choice("supernet_sampling", {"uniform", "fair", "controller"}, "uniform");
  c.sampling = sampling == "uniform" ? PathSampling::uniform
               : sampling == "fair"  ? PathSampling::fair
                                     : PathSampling::controller;
  c.path_dropout = s.get_double_in("path_dropout", 0.0, 0.0, 0.99);
  c.rules.sample_none = s.get_bool("sample_none", false);
  c.rules.max_parameter_free_per_cell = s.get_int_in("max_parameter_free_per_cell", -1, -1, 1024);
  c.time_budget_s = s.get_double_in("time_budget_s", 0.0, 0.0, kMaxTimeBudgetSeconds);
  c.controller_fraction = s.get_double("controller_fraction", c.controller_fraction);
  c.derive_fraction = s.get_double("derive_fraction", c.derive_fraction);
  if (!(c.controller_fraction > 0 && c.derive_fraction > 0 &&
        c.controller_fraction + c.derive_fraction < 0.9))
    s.fail("controller_fraction",
           "controller_fraction and derive_fraction must be > 0 and leave at least 10% of the "
           "training set for the supernet");
  c.seed = static_cast<std::uint64_t>(s.get_int_in("seed", 1, 0, kMaxSeed));
  c.threads = s.get_int_in("threads", 0, 0, kMaxThreads);
  s.reject_unknown_keys();
  return c;
}

WeightsManagerConfig parse_weights_manager(const ConfigSection& s) {
  WeightsManagerConfig w;
  w.schedule.base_lr = 1e-3;
  parse_optimizer_and_schedule(s, w.optimizer, w.schedule);
  w.grad_clip = s.get_double_in("grad_clip", 5.0, 0.0, 1e9);
  w.backward_precision = parse_backward_precision(
      s.get_choice("backward_precision", {"float32", "bfloat16"}, "float32"));
  s.reject_unknown_keys();
  return w;
}

}  // namespace

SearchConfig parse_search_config(const std::string& yaml_text, const std::string& source) {
  const ConfigSection root = ConfigSection::load_string(yaml_text, source);
  SearchConfig c;
  c.source = source;
  c.text = yaml_text;
  c.space = parse_search_space(root.section("search_space"));
  c.data = parse_data_config(root.section_or_empty("data"));
  c.schedule = parse_schedule(root.section_or_empty("search"));
  c.controller = parse_controller_config(root.section_or_empty("controller"));
  c.evaluator = parse_evaluator_config(root.section_or_empty("evaluator"));
  c.objective = parse_objective_config(root.section_or_empty("objective"));
  c.weights_manager = parse_weights_manager(root.section_or_empty("weights_manager"));
  root.allow("trainer");  // retraining settings, read by `bitnas train`
  if (root.has("genotype"))
    root.fail("genotype", "a search config does not fix a genotype; the search finds them");
  root.reject_unknown_keys();
  return c;
}

SearchConfig load_search_config(const std::string& path) {
  return parse_search_config(read_config_file(path), path);
}

std::string search_config_hash(const SearchConfig& c) {
  // The YAML text is the whole truth; the space's canonical text is added so a change of the
  // compiled-in defaults still changes the hash.
  // Command-line overrides land in the schedule, so it is added too.
  return fnv1a_hex(canonical_space_text(c.space) + "\n" + c.text + "\nseed=" +
                   std::to_string(c.schedule.seed) + " epochs=" + std::to_string(c.schedule.epochs) +
                   " train_limit=" + std::to_string(c.data.train_limit));
}

}  // namespace bitnas

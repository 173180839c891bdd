#include "nas/search/search_config.hpp"

#include <fstream>
#include <sstream>

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

SearchSchedule parse_schedule(const ConfigSection& s) {
  SearchSchedule c;
  auto positive = [&](const char* key, int fallback) {
    const int v = s.get_int(key, fallback);
    if (v < 1) s.fail(key, "must be >= 1, got " + std::to_string(v));
    return v;
  };
  c.epochs = positive("epochs", c.epochs);
  c.supernet_steps_per_epoch = s.get_int("supernet_steps_per_epoch", 0);
  if (c.supernet_steps_per_epoch < 0) s.fail("supernet_steps_per_epoch", "must be >= 0");
  c.warmup_epochs = s.get_int("warmup_epochs", 0);
  if (c.warmup_epochs < 0 || c.warmup_epochs > c.epochs)
    s.fail("warmup_epochs", "must be in [0, epochs], got " + std::to_string(c.warmup_epochs));
  c.controller_epochs = s.get_int("controller_epochs", 0);
  if (c.controller_epochs < 0) s.fail("controller_epochs", "must be >= 0");
  c.controller_steps_per_epoch = s.get_int("controller_steps_per_epoch", c.controller_steps_per_epoch);
  if (c.controller_steps_per_epoch < 0) s.fail("controller_steps_per_epoch", "must be >= 0");
  if (c.controller_epochs > 0 && c.controller_steps_per_epoch == 0)
    s.fail("controller_steps_per_epoch", "controller_epochs need controller steps (> 0)");
  c.samples_per_step = positive("samples_per_step", c.samples_per_step);
  c.batch_size = positive("batch_size", c.batch_size);
  const std::string sampling =
      s.get_choice("supernet_sampling", {"uniform", "fair", "controller"}, "uniform");
  c.sampling = sampling == "uniform" ? PathSampling::uniform
               : sampling == "fair"  ? PathSampling::fair
                                     : PathSampling::controller;
  c.path_dropout = s.get_double("path_dropout", 0.0);
  if (!(c.path_dropout >= 0.0 && c.path_dropout < 1.0))
    s.fail("path_dropout", "must be in [0, 1)");
  c.rules.sample_none = s.get_bool("sample_none", false);
  c.rules.max_parameter_free_per_cell = s.get_int("max_parameter_free_per_cell", -1);
  if (c.rules.max_parameter_free_per_cell < -1)
    s.fail("max_parameter_free_per_cell", "must be >= 0, or -1 for no cap");
  c.time_budget_s = s.get_double("time_budget_s", 0.0);
  if (c.time_budget_s < 0) s.fail("time_budget_s", "must be >= 0");
  c.controller_fraction = s.get_double("controller_fraction", c.controller_fraction);
  c.derive_fraction = s.get_double("derive_fraction", c.derive_fraction);
  if (!(c.controller_fraction > 0 && c.derive_fraction > 0 &&
        c.controller_fraction + c.derive_fraction < 0.9))
    s.fail("controller_fraction",
           "controller_fraction and derive_fraction must be > 0 and leave at least 10% of the "
           "training set for the supernet");
  const int seed = s.get_int("seed", 1);
  if (seed < 0) s.fail("seed", "must be >= 0");
  c.seed = static_cast<std::uint64_t>(seed);
  c.threads = s.get_int("threads", 0);
  if (c.threads < 0) s.fail("threads", "must be >= 0");
  s.reject_unknown_keys();
  return c;
}

WeightsManagerConfig parse_weights_manager(const ConfigSection& s) {
  WeightsManagerConfig w;
  w.schedule.base_lr = 1e-3;
  if (auto o = s.optional_section("optimizer")) parse_optimizer_section(*o, w.optimizer, w.schedule);
  if (auto l = s.optional_section("lr_schedule")) parse_lr_schedule_section(*l, w.schedule);
  w.grad_clip = s.get_double("grad_clip", 5.0);
  if (w.grad_clip < 0) s.fail("grad_clip", "must be >= 0 (0: no clipping)");
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
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open the config file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_search_config(text.str(), path);
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

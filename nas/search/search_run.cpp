#include "nas/search/search_run.hpp"

#include <chrono>
#include <set>
#include <sstream>

#include "evaluators/interrupt.hpp"
#include "evaluators/run_environment.hpp"
#include "evaluators/run_lifecycle.hpp"
#include "evaluators/lr_schedule.hpp"
#include "evaluators/optimizer_factory.hpp"
#include "evaluators/shared_weights_evaluator.hpp"
#include "nas/search/search_data.hpp"
#include "ops/layers/cross_entropy.hpp"
#include "ops/layers/binary_conv2d.hpp"
#include "ops/optim/grad_clip.hpp"
#include "search_spaces/architecture_id.hpp"
#include "search_spaces/genotype_parser.hpp"
#include "search_spaces/model_spec.hpp"
#include "search_spaces/genotype_printer.hpp"
#include "search_spaces/fair_path_sampler.hpp"
#include "search_spaces/genotype_space.hpp"
#include "search_spaces/op_registry.hpp"
#include "search_spaces/supernet.hpp"
#include "storage/atomic_file.hpp"
#include "storage/checkpoint.hpp"
#include "storage/module_state.hpp"
#include "storage/results_db.hpp"

namespace bitnas {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Counters and history that a search carries across epochs (all in the checkpoint).
struct SearchState {
  int completed_epochs = 0;
  std::int64_t supernet_steps = 0;
  std::int64_t controller_steps = 0;
  int controller_pass = 0;        // epoch index of the controller loader
  int controller_next_batch = 0;  // its position
  std::int64_t samples = 0;
  double best_reward = -1e300;
  std::string best_genotype;
  double seconds = 0.0;  // search time of the completed epochs
  std::vector<SearchEpochMetrics> history;
};

std::string encode_search_history(const std::vector<SearchEpochMetrics>& epochs) {
  std::ostringstream out;
  out.precision(17);
  auto put = [&](const std::optional<double>& v) {
    if (v) out << " " << *v;
    else out << " -";
  };
  for (const auto& m : epochs) {
    out << m.epoch;
    put(m.supernet_loss);
    put(m.supernet_acc);
    put(m.mean_reward);
    put(m.best_reward);
    put(m.controller_loss);
    put(m.samples_per_s);
    put(m.wall_s);
    out << "\n";
  }
  return out.str();
}

std::vector<SearchEpochMetrics> decode_search_history(const std::string& text) {
  std::vector<SearchEpochMetrics> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::istringstream in(line);
    SearchEpochMetrics m;
    in >> m.epoch;
    for (auto* f : {&m.supernet_loss, &m.supernet_acc, &m.mean_reward, &m.best_reward,
                    &m.controller_loss, &m.samples_per_s, &m.wall_s}) {
      std::string token;
      if (!(in >> token)) throw std::runtime_error("search history: short line '" + line + "'");
      if (token != "-") *f = std::stod(token);
    }
    out.push_back(m);
  }
  return out;
}

std::string counters_text(const SearchState& s) {
  std::ostringstream out;
  out.precision(17);
  out << s.completed_epochs << " " << s.supernet_steps << " " << s.controller_steps << " "
      << s.controller_pass << " " << s.controller_next_batch << " " << s.samples << " "
      << s.best_reward;
  return out.str();
}

void read_counters(const std::string& text, SearchState& s) {
  std::istringstream in(text);
  in >> s.completed_epochs >> s.supernet_steps >> s.controller_steps >> s.controller_pass >>
      s.controller_next_batch >> s.samples >> s.best_reward;
  if (in.fail()) throw std::runtime_error("malformed search counters in checkpoint");
}

// The reward batches: the first `reward_batches` full batches of the controller portion in
// file order, the same images for every reward (a short tail batch would weigh differently).
std::vector<Batch> reward_batches(const SearchData& data, const SearchConfig& config) {
  LoaderOptions options;
  options.batch_size = config.evaluator.batch_size;
  options.shuffle = false;
  options.drop_last = true;
  options.normalization = data.normalization;
  BatchLoader loader(data.train_set, data.controller_indices, options);
  std::vector<Batch> batches;
  Batch batch;
  while (static_cast<int>(batches.size()) < config.evaluator.reward_batches && loader.next(batch))
    batches.push_back(batch);
  if (batches.empty())
    throw std::invalid_argument(
        config.source + ": evaluator.batch_size " + std::to_string(config.evaluator.batch_size) +
        " is larger than the controller portion (" +
        std::to_string(data.controller_indices.size()) +
        " images); lower it or raise search.controller_fraction / data.train_limit");
  return batches;
}

// The BN recalibration images: the first recalibration_images of the supernet portion in one
// seeded order, in training-size batches; the same for every genotype.
std::vector<Batch> recalibration_batches(const SearchData& data, const SearchConfig& config) {
  if (config.evaluator.bn_mode != BnMode::recalibrate) return {};
  BatchLoader loader = recalibration_loader(data, config);
  std::vector<Batch> batches;
  Batch batch;
  int images = 0;
  while (images < config.evaluator.recalibration_images && loader.next(batch)) {
    images += static_cast<int>(batch.labels.size());
    batches.push_back(batch);
  }
  return batches;
}

// Everything the search loop works with, built once.
class SearchLoop {
 public:
  SearchLoop(const SearchConfig& config, SearchProgress& progress)
      : config_(config),
        progress_(progress),
        data_(load_search_data(config_)),
        init_rng_(config_.schedule.seed),
        // DARTS: BNs without affine parameters while architecture weights are learned.
        supernet_(config_.space, data_.input, init_rng_,
                  config_.controller.kind != ControllerKind::differentiable),
        path_space_(config_.space, SamplingRules{config_.schedule.rules.sample_none, -1}),
        fair_sampler_(path_space_, config_.schedule.seed ^ 0xfa17ull),
        controller_(make_controller(config_.controller, config_.space, config_.schedule.seed,
                                    config_.schedule.rules)),
        sampling_rng_(config_.schedule.seed ^ 0x5bd1e995ull),
        supernet_batches_(supernet_loader(data_, config_)),
        controller_batches_(controller_loader(data_, config_)),
        evaluator_(supernet_, config_.space, data_.input, config_.evaluator, config_.objective,
                   config_.schedule.rules, reward_batches(data_, config_),
                   recalibration_batches(data_, config_)),
        optimizer_(make_optimizer(config_.weights_manager.optimizer,
                                  config_.weights_manager.schedule.base_lr,
                                  supernet_.parameters())),
        steps_per_epoch_(config_.schedule.supernet_steps_per_epoch > 0
                             ? config_.schedule.supernet_steps_per_epoch
                             : supernet_batches_.num_batches()),
        schedule_(config_.weights_manager.schedule, config_.schedule.epochs, steps_per_epoch_) {
    controller_->set_cost_model([this](const Genotype& g) { return evaluator_.ops_of(g); });
    if (is_hard_budget(config_.objective))
      controller_->restrict_to(
          [this](const Genotype& g) { return within_budget(config_.objective, evaluator_.ops_of(g)); },
          budget_description(config_.objective));
    const BackwardPrecision requested = config_.weights_manager.backward_precision;
    if (set_binary_backward_precision(supernet_, requested) != requested)
      progress_.message(backward_precision_fallback_note("weights_manager.backward_precision"));
    if (steps_per_epoch_ > supernet_batches_.num_batches())
      throw std::invalid_argument(
          config_.source + ": search.supernet_steps_per_epoch is " +
          std::to_string(steps_per_epoch_) + " but the supernet portion has only " +
          std::to_string(supernet_batches_.num_batches()) + " batches of " +
          std::to_string(config_.schedule.batch_size));
    if (controller_->learns_from_gradients() && config_.schedule.sampling != PathSampling::uniform &&
        config_.schedule.sampling != PathSampling::controller)
      throw std::invalid_argument(config_.source + ": search.supernet_sampling " +
                                  to_string(config_.schedule.sampling) +
                                  " does not apply to a differentiable controller");
    progress_.message(data_.summary() + "; search space of 10^" +
                      std::to_string(static_cast<int>(GenotypeSpace(config_.space).log10_size())) +
                      " genotypes; controller " + controller_->type_name() + "; rewards on " +
                      std::to_string(evaluator_.reward_images()) + " images, BN " +
                      to_string(config_.evaluator.bn_mode));
  }

  Checkpoint checkpoint(const std::string& config_hash) const {
    Checkpoint c;
    c.tensors = capture_module_state(const_cast<Supernet&>(supernet_));
    c.optimizer = optimizer_->state();
    const ControllerState controller = controller_->save();
    for (const auto& [k, v] : controller.tensors) c.tensors["controller/" + k] = v;
    for (const auto& [k, v] : controller.strings) c.strings["controller/" + k] = v;
    c.strings["kind"] = "search";
    c.strings["config_hash"] = config_hash;
    c.strings["config_text"] = config_.text;
    c.strings["config_source"] = config_.source;
    c.strings["seed"] = std::to_string(config_.schedule.seed);
    c.strings["epochs"] = std::to_string(config_.schedule.epochs);
    c.strings["train_limit"] = std::to_string(config_.data.train_limit);
    c.strings["sampling_rng"] = sampling_rng_.state();
    c.strings["counters"] = counters_text(state_);
    c.strings["seconds"] = std::to_string(state_.seconds);  // wall time: not part of results
    c.strings["history"] = encode_search_history(state_.history);
    c.strings["best_genotype"] = state_.best_genotype;
    c.epoch = state_.completed_epochs;
    c.step = state_.supernet_steps;
    return c;
  }

  void restore(const Checkpoint& c, const std::string& config_hash, const std::string& path) {
    if (c.strings.count("kind") == 0 || c.strings.at("kind") != "search")
      throw std::runtime_error(path + ": not a search checkpoint");
    if (c.strings.at("config_hash") != config_hash)
      throw std::runtime_error(path + ": the checkpoint belongs to a different search "
                                      "configuration; use another --run-dir to start a new run");
    std::map<std::string, Tensor> supernet_state;
    ControllerState controller;
    for (const auto& [k, v] : c.tensors) {
      if (k.rfind("controller/", 0) == 0) controller.tensors[k.substr(11)] = v;
      else supernet_state[k] = v;
    }
    for (const auto& [k, v] : c.strings)
      if (k.rfind("controller/", 0) == 0) controller.strings[k.substr(11)] = v;
    restore_module_state(supernet_, supernet_state);
    optimizer_->load_state(c.optimizer);
    controller_->load(controller);
    sampling_rng_.set_state(c.strings.at("sampling_rng"));
    read_counters(c.strings.at("counters"), state_);
    state_.seconds = std::stod(c.strings.at("seconds"));
    state_.history = decode_search_history(c.strings.at("history"));
    state_.best_genotype = c.strings.at("best_genotype");
  }

  SearchState& state() { return state_; }
  Controller& controller() { return *controller_; }
  SharedWeightsEvaluator& evaluator() { return evaluator_; }
  const SearchData& data() const { return data_; }

  // One epoch: supernet steps (unless frozen) with controller steps spread among them (unless
  // warming up). Samples are committed per controller step, each in its own short transaction.
  SearchEpochMetrics run_epoch(int epoch, ResultsDb* db, std::optional<std::int64_t> run_id) {
    const auto start = Clock::now();
    const SearchSchedule& plan = config_.schedule;
    const bool frozen = epoch >= plan.epochs;
    const bool warming_up = epoch < plan.warmup_epochs;
    const int controller_steps = warming_up ? 0 : plan.controller_steps_per_epoch;
    const int supernet_steps = frozen ? 0 : steps_per_epoch_;
    controller_->set_progress(static_cast<double>(epoch) / plan.total_epochs());
    if (!frozen) supernet_batches_.start_epoch(epoch);
    if (controller_steps > 0) refresh_controller_rewards();
    double loss_sum = 0.0, correct = 0.0, images = 0.0;
    double reward_sum = 0.0, epoch_best = -1e300, controller_loss = 0.0;
    std::int64_t epoch_samples = 0, alpha_steps = 0;
    int done_controller_steps = 0;
    // Controller step k happens after supernet step floor((k+1)*S/C) - 1 (all at once when
    // frozen).
    const int ticks = std::max(supernet_steps, 1);
    Batch batch;
    for (int step = 0; step < ticks; ++step) {
      if (stop_requested()) throw Interrupted();
      if (!frozen) {
        if (!supernet_batches_.next(batch)) break;
        const double lr = schedule_.rate(epoch, step);
        for (std::size_t g = 0; g < optimizer_->param_groups().size(); ++g)
          optimizer_->set_lr(g, static_cast<float>(lr));
        const CrossEntropyStats s = supernet_step(batch, warming_up);
        loss_sum += s.loss * batch.labels.size();
        correct += s.accuracy * batch.labels.size();
        images += static_cast<double>(batch.labels.size());
        ++state_.supernet_steps;
        evaluator_.set_supernet_version(state_.supernet_steps);
        // DARTS alternates: one architecture step after every weight step.
        if (!warming_up && controller_->learns_from_gradients()) {
          controller_loss += architecture_step();
          ++alpha_steps;
        }
      }
      while (done_controller_steps < controller_steps &&
             (static_cast<std::int64_t>(done_controller_steps) + 1) * ticks <=
                 static_cast<std::int64_t>(step + 1) * controller_steps) {
        if (stop_requested()) throw Interrupted();
        const ControllerStepResult r = controller_step(epoch, db, run_id);
        reward_sum += r.reward_sum;
        epoch_samples += r.samples;
        epoch_best = std::max(epoch_best, r.best);
        ++done_controller_steps;
      }
      SearchProgressInfo info;
      info.epoch = epoch;
      info.epochs = plan.total_epochs();
      info.step = step + 1;
      info.steps = ticks;
      info.best_reward = state_.best_reward;
      const double elapsed = seconds_since(start);
      info.samples_per_s = epoch_samples / elapsed;
      const double fraction = static_cast<double>(step + 1) / ticks;
      info.seconds_left = elapsed / fraction * (plan.total_epochs() - epoch - fraction);
      progress_.step_done(info);
    }
    SearchEpochMetrics m;
    m.epoch = epoch;
    if (images > 0) {
      m.supernet_loss = loss_sum / images;
      m.supernet_acc = correct / images;
    }
    if (epoch_samples > 0) {
      m.mean_reward = reward_sum / epoch_samples;
      m.best_reward = epoch_best;
    }
    if (alpha_steps > 0) m.controller_loss = controller_loss / alpha_steps;
    m.wall_s = seconds_since(start);
    m.samples_per_s = epoch_samples / *m.wall_s;
    return m;
  }

 private:
  struct ControllerStepResult {
    double reward_sum = 0.0, best = -1e300;
    std::int64_t samples = 0;
  };

  // The path of one supernet training step.
  Genotype training_path() {
    switch (config_.schedule.sampling) {
      case PathSampling::fair: return fair_sampler_.path(state_.supernet_steps, sampling_rng_);
      case PathSampling::controller: {
        std::vector<Genotype> proposed = controller_->sample(1);
        // A proposal the path rules refuse (a repeated edge) has no path in the supernet.
        if (!proposed.empty() && path_space_.allowed(proposed.front()))
          return std::move(proposed.front());
        break;  // an exhausted controller (random search of a small space): uniform paths
      }
      case PathSampling::uniform: break;
    }
    return path_space_.random(sampling_rng_);
  }

  // One supernet training step on `batch`: a sampled path (or the controller's mixture).
  CrossEntropyStats supernet_step(const Batch& batch, bool warming_up) {
    const bool mixture = controller_->learns_from_gradients() && !warming_up;
    if (mixture) {
      controller_->select_mixture(supernet_);
    } else {
      const double p = config_.schedule.path_dropout;
      Supernet::PathDrop drop;
      if (p > 0.0)
        drop = [&](const std::string& op) {
          return is_parameter_free_op(op) && sampling_rng_.uniform() < p;
        };
      supernet_.set_genotype(training_path(), drop);
    }
    std::vector<Parameter*> params;
    for (auto& p : mixture ? supernet_.parameters() : supernet_.active_parameters())
      params.push_back(p.param);
    for (Parameter* p : params) p->grad.fill(0.0f);
    const Tensor logits = supernet_.forward(batch.images, Mode::train);
    const CrossEntropyStats s = softmax_cross_entropy(logits, batch.labels);
    supernet_.backward(softmax_cross_entropy_grad(logits, batch.labels));
    if (config_.weights_manager.grad_clip > 0.0)
      clip_grad_norm(params, static_cast<float>(config_.weights_manager.grad_clip));
    optimizer_->step(params);
    return s;
  }

  bool next_controller_batch(Batch& batch) {
    if (controller_batches_.epoch() != state_.controller_pass ||
        controller_batches_.next_batch_index() != state_.controller_next_batch)
      controller_batches_.seek(state_.controller_pass, state_.controller_next_batch);
    if (!controller_batches_.next(batch)) {
      ++state_.controller_pass;
      controller_batches_.start_epoch(state_.controller_pass);
      if (!controller_batches_.next(batch)) return false;
    }
    state_.controller_next_batch = controller_batches_.next_batch_index();
    return true;
  }

  // First-order DARTS / GDAS: one gradient step on the architecture from a controller batch;
  // the supernet's weights learn on supernet batches only.
  double architecture_step() {
    Batch batch;
    if (!next_controller_batch(batch)) throw std::runtime_error("the controller portion is empty");
    controller_->select_mixture(supernet_);
    supernet_.zero_grad();
    const Tensor logits = supernet_.forward(batch.images, Mode::train);
    const CrossEntropyStats s = softmax_cross_entropy(logits, batch.labels);
    supernet_.backward(softmax_cross_entropy_grad(logits, batch.labels));
    controller_->learn_from_gradients(supernet_);
    supernet_.zero_grad();
    return s.loss;
  }

  // Rewards the controller keeps were measured on an older supernet: measure them again.
  void refresh_controller_rewards() {
    if (!config_.evaluator.refresh_rewards) return;
    const std::vector<Genotype> kept = controller_->rewards_to_refresh();
    if (kept.empty()) return;
    std::vector<double> rewards;
    for (const Genotype& g : kept) rewards.push_back(evaluator_.evaluate(g).reward);
    controller_->refresh_rewards(rewards);
  }

  ControllerStepResult controller_step(int epoch, ResultsDb* db, std::optional<std::int64_t> run_id) {
    ControllerStepResult result;
    // A differentiable controller's sample is its derived genotype, scored by its own path.
    const std::vector<Genotype> genotypes =
        controller_->sample(controller_->learns_from_gradients() ? 1 : config_.schedule.samples_per_step);
    if (genotypes.empty()) {
      if (!exhausted_reported_) progress_.message("the controller has sampled every genotype of the space");
      exhausted_reported_ = true;
      return result;
    }
    std::vector<Reward> rewards;
    std::vector<double> values;
    for (const Genotype& g : genotypes) {
      rewards.push_back(evaluator_.evaluate(g));
      values.push_back(rewards.back().reward);
    }
    controller_->step(genotypes, values);
    std::optional<Transaction> transaction;
    if (db) transaction.emplace(db->connection());
    for (std::size_t i = 0; i < genotypes.size(); ++i) {
      const Reward& r = rewards[i];
      result.reward_sum += r.reward;
      result.best = std::max(result.best, r.reward);
      ++result.samples;
      ++state_.samples;
      if (r.reward > state_.best_reward) {
        state_.best_reward = r.reward;
        state_.best_genotype = to_string(genotypes[i]);
      }
      if (db) {
        SampleInfo sample;
        sample.step = state_.controller_steps;
        sample.index = static_cast<std::int64_t>(i);
        sample.epoch = epoch;
        sample.genotype_id = db->upsert_genotype(evaluator_.record_of(genotypes[i]));
        sample.reward = r.reward;
        if (!r.rejected) {
          sample.loss = r.loss;
          sample.accuracy = r.accuracy;
        }
        db->record_sample(*run_id, sample);
      }
    }
    if (transaction) transaction->commit();
    ++state_.controller_steps;
    return result;
  }

  const SearchConfig& config_;
  SearchProgress& progress_;
  SearchData data_;
  Rng init_rng_;
  Supernet supernet_;
  GenotypeSpace path_space_;
  FairPathSampler fair_sampler_;
  std::unique_ptr<Controller> controller_;
  Rng sampling_rng_;
  BatchLoader supernet_batches_, controller_batches_;
  SharedWeightsEvaluator evaluator_;
  std::unique_ptr<Optimizer> optimizer_;
  int steps_per_epoch_;
  LrSchedule schedule_;
  SearchState state_;
  bool exhausted_reported_ = false;
};

}  // namespace

SearchOutcome run_search(const SearchRequest& request, SearchProgress& progress) {
  const SearchConfig& config = request.config;
  const int total_epochs = config.schedule.total_epochs();
  RunSpec spec;
  spec.kind = RunKind::search;
  spec.name = request.name;
  spec.config_text = config.text;
  spec.config_hash = search_config_hash(config);
  spec.seed = config.schedule.seed;
  spec.threads = config.schedule.threads;
  spec.epochs = total_epochs;
  spec.run_dir = request.run_dir;
  spec.db_path = request.db_path;
  spec.resume = request.resume;
  RunLifecycle run(spec, [&](const std::string& m) { progress.message(m); });

  SearchLoop loop(config, progress);
  SearchState& state = loop.state();
  if (run.checkpoint())
    loop.restore(*run.checkpoint(), spec.config_hash, run.checkpoint_path().string());
  run.start(RunPosition{state.completed_epochs, state.controller_steps});
  if (ResultsDb* db = run.db()) {
    Transaction t = db->transaction();
    for (const auto& m : state.history) db->record_search_epoch(*run.run_id(), m);
    t.commit();
  }

  SearchOutcome outcome;
  outcome.run_id = run.run_id();
  outcome.checkpoint = run.checkpoint_path();
  outcome.was_finished = state.completed_epochs >= total_epochs;
  const double budget = config.schedule.time_budget_s;
  run.guard([&] {
    for (int epoch = state.completed_epochs; epoch < total_epochs; ++epoch) {
      if (budget > 0.0 && state.seconds >= budget) {
        outcome.stopped_by_time_budget = true;
        progress.message("time budget of " + std::to_string(budget) + " s reached");
        break;
      }
      SearchEpochMetrics m = loop.run_epoch(epoch, run.db(), run.run_id());
      state.history.push_back(m);
      state.completed_epochs = epoch + 1;
      state.seconds += *m.wall_s;
      run.commit_epoch(loop.checkpoint(spec.config_hash), metrics_row(m), [&](ResultsDb& db) {
        db.record_search_epoch(*run.run_id(), m);
      });
      progress.epoch_done(m, total_epochs);
    }
    run.finish([](ResultsDb&) {});
  });
  outcome.epochs = state.history;
  outcome.samples = state.samples;
  outcome.supernet_steps = state.supernet_steps;
  outcome.best_reward = state.best_reward;
  outcome.best_genotype = state.best_genotype;
  outcome.seconds = state.seconds;
  return outcome;
}

namespace {

std::string yaml_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

void write_derived_yaml(const std::filesystem::path& path, const DeriveRequest& request,
                        const DeriveOutcome& outcome, const SearchConfig& config) {
  std::ostringstream out;
  out.precision(6);
  out << "# Derived by `bitnas derive` from search run " << request.search_run << " ("
      << config.source << "), ranked by shared-weights top-1 on the derive split.\n"
      << "# Retrain one from scratch (rank 1 unless --rank says otherwise):\n"
      << "#   bitnas train " << config.source << " --genotype-file " << path.string() << "\n"
      << "search_run: " << request.search_run << "\n"
      << "derive_run: " << outcome.derive_run << "\n"
      << "genotypes:\n";
  for (const auto& d : outcome.ranked)
    out << "  - rank: " << d.rank << "\n"
        << "    genotype: " << yaml_quoted(d.genotype) << "\n"
        << "    hash: " << d.hash << "\n"
        << "    derive_reward: " << d.reward << "\n"
        << "    derive_top1: " << d.accuracy << "\n"
        << "    ops: " << d.ops << "\n"
        << "    params: " << d.params << "\n";
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  AtomicFileWriter file(path);
  const std::string text = out.str();
  file.write(text.data(), text.size());
  file.commit();
}

}  // namespace

DeriveOutcome run_derive(const DeriveRequest& request, SearchProgress& progress) {
  ResultsDb db = ResultsDb::open(request.db_path, Access::read_write);
  const RunRecord search = db.get_run(request.search_run);
  if (search.info.kind != RunKind::search)
    throw std::invalid_argument("run " + std::to_string(request.search_run) + " is a " +
                                to_string(search.info.kind) + " run, not a search");
  const auto checkpoints = db.checkpoints(request.search_run);
  if (checkpoints.empty())
    throw std::runtime_error("search run " + std::to_string(request.search_run) +
                             " has no checkpoint yet (it has not finished an epoch)");
  const std::string path = checkpoints.back().info.path;
  const Checkpoint checkpoint = load_checkpoint(path);
  // A checkpoint replaced since the database recorded it (another run in the same directory,
  // a copy from elsewhere) is not the search this run id names.
  const std::string on_disk = checkpoint_file_info(path).checksum();
  if (on_disk != checkpoints.back().info.checksum)
    throw std::runtime_error(path + ": checksum " + on_disk + " differs from " +
                             checkpoints.back().info.checksum + ", which the database recorded for "
                             "search run " + std::to_string(request.search_run) +
                             "; the file was replaced since");

  // The search as it was configured and checkpointed.
  SearchRequest search_request;
  search_request.config = parse_search_config(checkpoint.strings.at("config_text"),
                                              checkpoint.strings.at("config_source"));
  search_request.config.schedule.seed = std::stoull(checkpoint.strings.at("seed"));
  search_request.config.schedule.epochs = std::stoi(checkpoint.strings.at("epochs"));
  if (search_request.config.schedule.warmup_epochs > search_request.config.schedule.epochs)
    search_request.config.schedule.warmup_epochs = search_request.config.schedule.epochs;
  search_request.config.data.train_limit = std::stoi(checkpoint.strings.at("train_limit"));
  search_request.name = search.info.name;
  SearchLoop loop(search_request.config, progress);
  loop.restore(checkpoint, search_config_hash(search_request.config), path);

  // Candidates: the controller's best, then fresh samples, distinct by architecture and
  // within the sampling rules (a controller that learns from rewards only may propose others).
  const GenotypeSpace rules(search_request.config.space, search_request.config.schedule.rules);
  std::vector<Genotype> candidates;
  std::set<std::string> seen;
  auto add = [&](const std::vector<Genotype>& genotypes) {
    for (const Genotype& g : genotypes)
      if (rules.allowed(g) && seen.insert(architecture_id(search_request.config.space, g).hash).second)
        candidates.push_back(g);
  };
  if (request.candidates.empty()) {
    add(loop.controller().best(request.from_best));
    add(loop.controller().sample(request.samples));
  } else {
    for (const std::string& text : request.candidates) {
      Genotype g = parse_genotype(text);
      check_genotype_in_space(g, search_request.config.space);
      if (seen.insert(architecture_id(search_request.config.space, g).hash).second)
        candidates.push_back(std::move(g));
    }
  }
  progress.message("scoring " + std::to_string(candidates.size()) +
                   " candidate genotypes on the derive split");

  BatchLoader derive_batches = derive_loader(loop.data(), search_request.config);
  struct Scored {
    Genotype genotype;
    Reward reward;
  };
  std::vector<Scored> scored;
  for (const Genotype& g : candidates) {
    if (stop_requested()) throw Interrupted();
    scored.push_back({g, loop.evaluator().evaluate_all(g, derive_batches)});
  }
  std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    return a.reward.reward > b.reward.reward;
  });
  if (request.candidates.empty() && static_cast<int>(scored.size()) > request.top)
    scored.resize(static_cast<std::size_t>(request.top));

  RunInfo info;
  info.kind = RunKind::derive;
  info.name = "derive:" + search.info.name;
  info.config_text = search.info.config_text;
  info.config_hash = search.info.config_hash;
  info.seed = search.info.seed;
  info.host = host_name();
  info.bitnas_version = BITNAS_VERSION;
  info.threads = active_thread_count();
  DeriveOutcome outcome;
  outcome.derive_run = db.begin_run(info);
  outcome.search_config_source = search_request.config.source;
  {
    Transaction t(db.connection());
    for (std::size_t i = 0; i < scored.size(); ++i) {
      const GenotypeRecord& record = loop.evaluator().record_of(scored[i].genotype);
      const std::int64_t gid = db.upsert_genotype(record);
      db.record_result(outcome.derive_run,
                       ResultInfo{gid, "reward", "derive", scored[i].reward.reward});
      // The shared-weights top-1 itself, whatever the objective made of it: what `query
      // correlation` ranks a derive run by.
      db.record_result(outcome.derive_run,
                       ResultInfo{gid, "top1", "derive", scored[i].reward.accuracy});
      db.record_result(outcome.derive_run,
                       ResultInfo{gid, "rank", "derive", static_cast<double>(i + 1)});
      DerivedGenotype d;
      d.rank = static_cast<int>(i + 1);
      d.genotype = record.canonical;
      d.hash = record.hash;
      d.reward = scored[i].reward.reward;
      d.accuracy = scored[i].reward.accuracy;
      d.ops = record.ops.value_or(0.0);
      d.params = record.fp_params.value_or(0) + record.binary_params.value_or(0);
      outcome.ranked.push_back(d);
    }
    t.commit();
  }
  db.finish_run(outcome.derive_run, RunStatus::finished);
  if (request.output) write_derived_yaml(*request.output, request, outcome, search_request.config);
  return outcome;
}

}  // namespace bitnas

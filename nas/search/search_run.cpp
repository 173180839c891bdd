#include "nas/search/search_run.hpp"

#include <tbb/global_control.h>

#include <chrono>
#include <set>
#include <sstream>

#include "controllers/differentiable_controller.hpp"
#include "evaluators/interrupt.hpp"
#include "evaluators/run_environment.hpp"
#include "evaluators/lr_schedule.hpp"
#include "evaluators/optimizer_factory.hpp"
#include "evaluators/shared_weights_evaluator.hpp"
#include "nas/search/search_data.hpp"
#include "ops/layers/cross_entropy.hpp"
#include "ops/optim/grad_clip.hpp"
#include "search_spaces/architecture_id.hpp"
#include "search_spaces/genotype_printer.hpp"
#include "search_spaces/genotype_space.hpp"
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
  std::optional<std::int64_t> run_id;
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

// Everything the search loop works with, built once.
class SearchLoop {
 public:
  SearchLoop(const SearchRequest& request, SearchProgress& progress)
      : config_(request.config),
        progress_(progress),
        data_(load_search_data(config_)),
        init_rng_(config_.schedule.seed),
        supernet_(config_.space, data_.input, init_rng_),
        genotype_space_(config_.space),
        controller_(make_controller(config_.controller, config_.space, config_.schedule.seed)),
        differentiable_(dynamic_cast<DifferentiableController*>(controller_.get())),
        sampling_rng_(config_.schedule.seed ^ 0x5bd1e995ull),
        supernet_batches_(supernet_loader(data_, config_)),
        controller_batches_(controller_loader(data_, config_)),
        recalibration_batches_(recalibration_loader(data_, config_)),
        evaluator_(supernet_, config_.space, data_.input, config_.evaluator, config_.objective,
                   &recalibration_batches_),
        optimizer_(make_optimizer(config_.weights_manager.optimizer,
                                  config_.weights_manager.schedule.base_lr,
                                  supernet_.parameters())),
        steps_per_epoch_(config_.schedule.supernet_steps_per_epoch > 0
                             ? config_.schedule.supernet_steps_per_epoch
                             : supernet_batches_.num_batches()),
        schedule_(config_.weights_manager.schedule, config_.schedule.epochs, steps_per_epoch_) {
    if (steps_per_epoch_ > supernet_batches_.num_batches())
      throw std::invalid_argument(
          config_.source + ": search.supernet_steps_per_epoch is " +
          std::to_string(steps_per_epoch_) + " but the supernet portion has only " +
          std::to_string(supernet_batches_.num_batches()) + " batches of " +
          std::to_string(config_.schedule.batch_size));
    if (differentiable_ && config_.schedule.uniform_sampling)
      throw std::invalid_argument(config_.source +
                                  ": search.supernet_sampling uniform does not apply to a "
                                  "differentiable controller");
    progress_.message(data_.summary() + "; search space of 10^" +
                      std::to_string(static_cast<int>(genotype_space_.log10_size())) +
                      " genotypes; controller " + controller_->type_name());
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
    if (state_.run_id) c.strings["run_id"] = std::to_string(*state_.run_id);
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
    if (auto id = c.strings.find("run_id"); id != c.strings.end()) state_.run_id = std::stoll(id->second);
  }

  SearchState& state() { return state_; }
  Controller& controller() { return *controller_; }
  SharedWeightsEvaluator& evaluator() { return evaluator_; }
  const SearchData& data() const { return data_; }

  // One epoch of supernet steps with controller steps spread among them.
  SearchEpochMetrics run_epoch(int epoch, ResultsDb* db) {
    const auto start = Clock::now();
    const int epochs = config_.schedule.epochs;
    if (differentiable_) differentiable_->set_progress(static_cast<double>(epoch) / epochs);
    supernet_batches_.start_epoch(epoch);
    const int controller_steps = config_.schedule.controller_steps_per_epoch;
    double loss_sum = 0.0, correct = 0.0, images = 0.0;
    double reward_sum = 0.0, epoch_best = -1e300, controller_loss = 0.0;
    std::int64_t epoch_samples = 0;
    int done_controller_steps = 0;
    Batch batch;
    for (int step = 0; step < steps_per_epoch_; ++step) {
      if (stop_requested()) throw Interrupted();
      if (!supernet_batches_.next(batch)) break;
      const double lr = schedule_.rate(epoch, step);
      for (std::size_t g = 0; g < optimizer_->param_groups().size(); ++g)
        optimizer_->set_lr(g, static_cast<float>(lr));
      const CrossEntropyStats s = supernet_step(batch);
      loss_sum += s.loss * batch.labels.size();
      correct += s.accuracy * batch.labels.size();
      images += static_cast<double>(batch.labels.size());
      ++state_.supernet_steps;
      evaluator_.invalidate();

      // Controller step k of this epoch happens after supernet step floor((k+1)*S/C) - 1.
      while (done_controller_steps < controller_steps &&
             (static_cast<std::int64_t>(done_controller_steps) + 1) * steps_per_epoch_ <=
                 static_cast<std::int64_t>(step + 1) * controller_steps) {
        const ControllerStepResult r = controller_step(epoch, db);
        reward_sum += r.reward_sum;
        epoch_samples += r.samples;
        epoch_best = std::max(epoch_best, r.best);
        controller_loss += r.loss;
        ++done_controller_steps;
      }
      SearchProgressInfo info;
      info.epoch = epoch;
      info.epochs = epochs;
      info.step = step + 1;
      info.steps = steps_per_epoch_;
      info.best_reward = state_.best_reward;
      const double elapsed = seconds_since(start);
      info.samples_per_s = epoch_samples / elapsed;
      const double fraction = static_cast<double>(step + 1) / steps_per_epoch_;
      info.seconds_left = elapsed / fraction * (epochs - epoch - fraction);
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
    if (differentiable_ && done_controller_steps > 0) m.controller_loss = controller_loss / done_controller_steps;
    m.wall_s = seconds_since(start);
    m.samples_per_s = epoch_samples / *m.wall_s;
    return m;
  }

 private:
  struct ControllerStepResult {
    double reward_sum = 0.0, best = -1e300, loss = 0.0;
    std::int64_t samples = 0;
  };

  // One supernet training step on `batch`: a sampled path (or the controller's mixture).
  CrossEntropyStats supernet_step(const Batch& batch) {
    if (differentiable_) {
      supernet_.set_edge_weights(differentiable_->edge_weights());
    } else {
      const Genotype path = config_.schedule.uniform_sampling ? genotype_space_.random(sampling_rng_)
                                                              : controller_->sample(1).front();
      supernet_.set_genotype(path);
    }
    std::vector<Parameter*> params;
    for (auto& p : differentiable_ ? supernet_.parameters() : supernet_.active_parameters())
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

  ControllerStepResult controller_step(int epoch, ResultsDb* db) {
    ControllerStepResult result;
    Batch batch;
    if (!next_controller_batch(batch)) throw std::runtime_error("the controller portion is empty");
    std::vector<Genotype> genotypes;
    std::vector<Reward> rewards;
    if (differentiable_) {
      // First-order DARTS / GDAS: one gradient step on alpha from a controller batch.
      supernet_.set_edge_weights(differentiable_->edge_weights());
      supernet_.zero_grad();
      const Tensor logits = supernet_.forward(batch.images, Mode::train);
      const CrossEntropyStats s = softmax_cross_entropy(logits, batch.labels);
      supernet_.backward(softmax_cross_entropy_grad(logits, batch.labels));
      differentiable_->apply_weight_gradients(supernet_.edge_weight_gradients());
      supernet_.zero_grad();  // the supernet's weights learn on supernet batches only
      result.loss = s.loss;
      genotypes = controller_->sample(1);
      Reward r;
      r.accuracy = s.accuracy;
      r.loss = s.loss;
      r.reward = s.accuracy;  // the mixture's accuracy on the batch
      r.ops = evaluator_.ops_of(genotypes.front());
      rewards.push_back(r);
    } else {
      genotypes = controller_->sample(config_.schedule.samples_per_step);
      for (const Genotype& g : genotypes) rewards.push_back(evaluator_.evaluate(g, batch));
    }
    std::vector<double> values;
    for (const Reward& r : rewards) values.push_back(r.reward);
    controller_->step(genotypes, values);
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
        db->record_sample(*state_.run_id, sample);
      }
    }
    ++state_.controller_steps;
    return result;
  }

  const SearchConfig& config_;
  SearchProgress& progress_;
  SearchData data_;
  Rng init_rng_;
  Supernet supernet_;
  GenotypeSpace genotype_space_;
  std::unique_ptr<Controller> controller_;
  DifferentiableController* differentiable_;
  Rng sampling_rng_;
  BatchLoader supernet_batches_, controller_batches_, recalibration_batches_;
  SharedWeightsEvaluator evaluator_;
  std::unique_ptr<Optimizer> optimizer_;
  int steps_per_epoch_;
  LrSchedule schedule_;
  SearchState state_;
};

}  // namespace

SearchOutcome run_search(const SearchRequest& request, SearchProgress& progress) {
  const SearchConfig& config = request.config;
  std::unique_ptr<tbb::global_control> thread_limit;
  if (config.schedule.threads > 0)
    thread_limit = std::make_unique<tbb::global_control>(
        tbb::global_control::max_allowed_parallelism,
        static_cast<std::size_t>(config.schedule.threads));
  const std::string config_hash = search_config_hash(config);
  const std::filesystem::path ckpt = request.run_dir / "checkpoint.bnck";
  // A finished search of the same configuration is reported, not redone; an unfinished one
  // is only continued on request.
  bool finished_before = false;
  if (std::filesystem::exists(ckpt)) {
    const Checkpoint previous = load_checkpoint(ckpt);
    const auto hash = previous.strings.find("config_hash");
    finished_before = hash != previous.strings.end() && hash->second == config_hash &&
                      previous.epoch >= config.schedule.epochs;
    if (!request.resume && !finished_before)
      throw std::runtime_error(ckpt.string() +
                               " exists: pass --resume to continue that search, or choose "
                               "another --run-dir for a new one");
  }
  std::filesystem::create_directories(request.run_dir);

  SearchLoop loop(request, progress);
  SearchState& state = loop.state();
  if ((request.resume || finished_before) && std::filesystem::exists(ckpt)) {
    loop.restore(load_checkpoint(ckpt), config_hash, ckpt.string());
    progress.message("resuming " + ckpt.string() + " after epoch " +
                     std::to_string(state.completed_epochs) + " of " +
                     std::to_string(config.schedule.epochs));
  }

  std::optional<ResultsDb> db;
  if (request.db_path) {
    db.emplace(ResultsDb::open(*request.db_path, Access::read_write));
    if (state.run_id) {
      db->resume_run(*state.run_id);
    } else {
      RunInfo info;
      info.kind = RunKind::search;
      info.name = request.name;
      info.config_text = config.text;
      info.config_hash = config_hash;
      info.seed = config.schedule.seed;
      info.host = host_name();
      info.bitnas_version = BITNAS_VERSION;
      info.threads = active_thread_count();
      state.run_id = db->begin_run(info);
    }
    for (const auto& m : state.history) db->record_search_epoch(*state.run_id, m);
  }

  SearchOutcome outcome;
  outcome.run_id = state.run_id;
  outcome.checkpoint = ckpt;
  outcome.was_finished = state.completed_epochs >= config.schedule.epochs;
  const double budget = config.schedule.time_budget_s;
  try {
    for (int epoch = state.completed_epochs; epoch < config.schedule.epochs; ++epoch) {
      if (budget > 0.0 && state.seconds >= budget) {
        outcome.stopped_by_time_budget = true;
        progress.message("time budget of " + std::to_string(budget) + " s reached");
        break;
      }
      std::optional<Transaction> samples_transaction;
      if (db) samples_transaction.emplace(db->connection());
      SearchEpochMetrics m = loop.run_epoch(epoch, db ? &*db : nullptr);
      state.history.push_back(m);
      state.completed_epochs = epoch + 1;
      state.seconds += *m.wall_s;
      // The checkpoint first, then the epoch's samples and metrics commit: after a crash in
      // between, the resumed run redoes nothing and re-records this epoch from the history.
      const SavedCheckpoint saved = save_checkpoint(ckpt, loop.checkpoint(config_hash));
      if (db) {
        db->record_search_epoch(*state.run_id, m);
        db->record_checkpoint(*state.run_id,
                              CheckpointInfo{state.completed_epochs, state.supernet_steps,
                                             ckpt.string(), saved.checksum(),
                                             static_cast<std::int64_t>(saved.bytes)});
        samples_transaction->commit();
      }
      progress.epoch_done(m, config.schedule.epochs);
    }
  } catch (const Interrupted&) {
    if (db) db->finish_run(*state.run_id, RunStatus::interrupted);
    throw;
  } catch (...) {
    if (db) db->finish_run(*state.run_id, RunStatus::failed);
    throw;
  }
  if (db) db->finish_run(*state.run_id, RunStatus::finished);
  outcome.epochs = state.history;
  outcome.samples = state.samples;
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

  // The search as it was configured and checkpointed.
  SearchRequest search_request;
  search_request.config = parse_search_config(checkpoint.strings.at("config_text"),
                                              checkpoint.strings.at("config_source"));
  search_request.config.schedule.seed = std::stoull(checkpoint.strings.at("seed"));
  search_request.config.schedule.epochs = std::stoi(checkpoint.strings.at("epochs"));
  search_request.config.data.train_limit = std::stoi(checkpoint.strings.at("train_limit"));
  search_request.name = search.info.name;
  SearchLoop loop(search_request, progress);
  loop.restore(checkpoint, search_config_hash(search_request.config), path);

  // Candidates: the controller's best, then fresh samples, distinct by architecture.
  std::vector<Genotype> candidates;
  std::set<std::string> seen;
  auto add = [&](const std::vector<Genotype>& genotypes) {
    for (const Genotype& g : genotypes)
      if (seen.insert(architecture_id(search_request.config.space, g).hash).second)
        candidates.push_back(g);
  };
  add(loop.controller().best(request.from_best));
  add(loop.controller().sample(request.samples));
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
  if (static_cast<int>(scored.size()) > request.top) scored.resize(static_cast<std::size_t>(request.top));

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

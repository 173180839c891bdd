#include "evaluators/trainer.hpp"

#include <tbb/global_control.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "evaluators/epoch_history.hpp"
#include "evaluators/evaluate.hpp"
#include "evaluators/genotype_record.hpp"
#include "evaluators/interrupt.hpp"
#include "evaluators/run_environment.hpp"
#include "evaluators/lr_schedule.hpp"
#include "evaluators/optimizer_factory.hpp"
#include "evaluators/training_data.hpp"
#include "ops/core/fnv_hash.hpp"
#include "ops/layers/cross_entropy.hpp"
#include "ops/optim/grad_clip.hpp"
#include "search_spaces/architecture_id.hpp"
#include "search_spaces/cost.hpp"
#include "storage/checkpoint.hpp"
#include "storage/module_state.hpp"
#include "storage/results_db.hpp"

namespace bitnas {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Everything about the training, besides the architecture, that changes its numbers.
std::string canonical_training_text(const DataConfig& d, const TrainerConfig& t) {
  std::ostringstream out;
  out.precision(17);
  out << "dataset: " << to_string(d.dataset) << "\ndir: " << d.dir
      << "\nvalid_fraction: " << d.valid_fraction << "\ntrain_limit: " << d.train_limit
      << "\ntest_limit: " << d.test_limit << "\nnormalize: " << d.normalize
      << "\nrandom_crop: " << d.augmentation.random_crop
      << "\ncrop_padding: " << d.augmentation.crop_padding
      << "\nhorizontal_flip: " << d.augmentation.horizontal_flip << "\nepochs: " << t.epochs
      << "\nbatch_size: " << t.batch_size << "\noptimizer: " << to_string(t.optimizer.kind)
      << "\nweight_decay: " << t.optimizer.weight_decay << "\nmomentum: " << t.optimizer.momentum
      << "\nnesterov: " << t.optimizer.nesterov << "\nbetas: " << t.optimizer.beta1 << " "
      << t.optimizer.beta2 << " " << t.optimizer.eps << "\nlr: " << t.schedule.base_lr
      << "\nschedule: " << to_string(t.schedule.kind) << " " << t.schedule.min_lr << " "
      << t.schedule.gamma << " " << t.schedule.warmup_epochs << "\nmilestones:";
  for (int m : t.schedule.milestones) out << " " << m;
  out << "\ngrad_clip: " << t.grad_clip << "\nseed: " << t.seed << "\n";
  return out.str();
}

// The state a run carries from epoch to epoch, and how it is saved and restored.
struct RunState {
  int completed_epochs = 0;
  std::vector<EpochMetrics> history;
  std::optional<std::int64_t> run_id;
};

Checkpoint make_checkpoint(Module& model, const Optimizer& optimizer, const RunState& state,
                           const TrainRequest& request, const std::string& config_hash,
                           const ArchitectureId& arch) {
  Checkpoint c;
  c.tensors = capture_module_state(model);
  c.optimizer = optimizer.state();
  c.strings["kind"] = "train";
  c.strings["config_hash"] = config_hash;
  c.strings["config_text"] = request.config_text;
  c.strings["config_source"] = request.config_source;
  c.strings["overrides"] = request.overrides_text;
  c.strings["architecture_hash"] = arch.hash;
  c.strings["genotype"] = arch.canonical_genotype;
  c.strings["search_space"] = arch.space_text;
  c.strings["epoch_history"] = encode_epoch_history(state.history);
  if (state.run_id) c.strings["run_id"] = std::to_string(*state.run_id);
  c.epoch = state.completed_epochs;
  c.step = optimizer.step_count();
  return c;
}

RunState restore_checkpoint(const std::filesystem::path& path, const std::string& config_hash,
                            Module& model, Optimizer& optimizer) {
  const Checkpoint c = load_checkpoint(path);
  const auto kind = c.strings.find("kind");
  if (kind == c.strings.end() || kind->second != "train")
    throw std::runtime_error(path.string() + ": not a training checkpoint");
  const auto hash = c.strings.find("config_hash");
  if (hash == c.strings.end() || hash->second != config_hash)
    throw std::runtime_error(path.string() +
                             ": the checkpoint belongs to a different configuration (model, "
                             "data, trainer settings or seed changed); use another --run-dir "
                             "to start a new run");
  restore_module_state(model, c.tensors);
  optimizer.load_state(c.optimizer);
  RunState state;
  state.completed_epochs = static_cast<int>(c.epoch);
  state.history = decode_epoch_history(c.strings.at("epoch_history"));
  if (auto id = c.strings.find("run_id"); id != c.strings.end())
    state.run_id = std::stoll(id->second);
  return state;
}

}  // namespace

std::filesystem::path checkpoint_path(const std::filesystem::path& run_dir) {
  return run_dir / "checkpoint.bnck";
}

std::string training_config_hash(const TrainRequest& r) {
  const ArchitectureId arch = architecture_id(r.model.space, r.model.genotype);
  return fnv1a_hex(arch.hash + "\n" + canonical_training_text(r.data, r.trainer));
}

TrainOutcome train(const TrainRequest& request, TrainingProgress& progress) {
  const TrainerConfig& tc = request.trainer;
  std::unique_ptr<tbb::global_control> thread_limit;
  if (tc.threads > 0)
    thread_limit = std::make_unique<tbb::global_control>(
        tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(tc.threads));

  const std::string config_hash = training_config_hash(request);
  const ArchitectureId arch = architecture_id(request.model.space, request.model.genotype);
  const std::filesystem::path ckpt = checkpoint_path(request.run_dir);
  // A finished run of the same configuration is reported, not redone; an unfinished one is
  // only continued on request.
  bool finished_before = false;
  if (std::filesystem::exists(ckpt)) {
    const Checkpoint previous = load_checkpoint(ckpt);
    const auto hash = previous.strings.find("config_hash");
    finished_before = hash != previous.strings.end() && hash->second == config_hash &&
                      previous.epoch >= tc.epochs;
    if (!request.resume && !finished_before)
      throw std::runtime_error(ckpt.string() +
                               " exists: pass --resume to continue that run, or choose another "
                               "--run-dir for a new one");
  }
  std::filesystem::create_directories(request.run_dir);

  const TrainingData data = load_training_data(request.data, tc.seed);
  progress.message(data.summary());
  Rng init_rng(tc.seed);
  Network model(request.model.space, request.model.genotype, data.input, init_rng);
  const CostTotals cost = measure_costs(model).total;
  BatchLoader train_loader = make_train_loader(data, request.data, tc.batch_size, tc.seed);
  BatchLoader valid_loader =
      make_eval_loader(data, data.train_set, data.valid_indices, tc.eval_batch_size);
  BatchLoader test_loader =
      make_eval_loader(data, data.test_set, data.test_indices, tc.eval_batch_size);
  const int steps_per_epoch = train_loader.num_batches();
  const LrSchedule schedule(tc.schedule, tc.epochs, steps_per_epoch);
  std::unique_ptr<Optimizer> optimizer = make_optimizer(tc.optimizer, tc.schedule.base_lr, model.parameters());

  RunState state;
  if ((request.resume || finished_before) && std::filesystem::exists(ckpt)) {
    state = restore_checkpoint(ckpt, config_hash, model, *optimizer);
    progress.message("resuming " + ckpt.string() + " after epoch " +
                     std::to_string(state.completed_epochs) + " of " + std::to_string(tc.epochs));
  }

  std::optional<ResultsDb> db;
  std::optional<std::int64_t> genotype_id;
  if (request.db_path) {
    db.emplace(ResultsDb::open(*request.db_path, Access::read_write));
    if (state.run_id) {
      db->resume_run(*state.run_id);
    } else {
      RunInfo info;
      info.kind = RunKind::train;
      info.name = request.name;
      info.config_text = request.config_text;
      if (!request.overrides_text.empty()) {
        info.config_text += "\n# command-line overrides:\n";
        std::istringstream lines(request.overrides_text);
        for (std::string line; std::getline(lines, line);) info.config_text += "#   " + line + "\n";
      }
      info.config_hash = config_hash;
      info.seed = tc.seed;
      info.host = host_name();
      info.bitnas_version = BITNAS_VERSION;
      info.threads = active_thread_count();
      state.run_id = db->begin_run(info);
    }
    genotype_id = db->upsert_genotype(genotype_record(arch, request.model.space.num_init_nodes, cost));
    for (const EpochMetrics& m : state.history) db->record_epoch(*state.run_id, m);
  }

  TrainOutcome outcome;
  outcome.run_id = state.run_id;
  outcome.checkpoint = ckpt;
  outcome.was_finished = state.completed_epochs >= tc.epochs;
  const auto run_start = Clock::now();
  try {
    Batch batch;
    for (int epoch = state.completed_epochs; epoch < tc.epochs; ++epoch) {
      const auto epoch_start = Clock::now();
      train_loader.start_epoch(epoch);
      double loss_sum = 0.0, correct = 0.0;
      std::int64_t images = 0;
      for (int step = 0; train_loader.next(batch); ++step) {
        if (stop_requested()) throw Interrupted();
        const double lr = schedule.rate(epoch, step);
        for (std::size_t g = 0; g < optimizer->param_groups().size(); ++g)
          optimizer->set_lr(g, static_cast<float>(lr));
        optimizer->zero_grad();
        const Tensor logits = model.forward(batch.images, Mode::train);
        const CrossEntropyStats s = softmax_cross_entropy(logits, batch.labels);
        model.backward(softmax_cross_entropy_grad(logits, batch.labels));
        if (tc.grad_clip > 0.0)
          clip_grad_norm(optimizer->parameters(), static_cast<float>(tc.grad_clip));
        optimizer->step();

        const auto n = static_cast<double>(batch.labels.size());
        loss_sum += s.loss * n;
        correct += s.accuracy * n;
        images += static_cast<std::int64_t>(batch.labels.size());
        BatchProgress p;
        p.epoch = epoch;
        p.epochs = tc.epochs;
        p.batch = step + 1;
        p.batches = steps_per_epoch;
        p.loss = loss_sum / static_cast<double>(images);
        p.accuracy = correct / static_cast<double>(images);
        const double elapsed = seconds_since(epoch_start);
        p.images_per_s = static_cast<double>(images) / elapsed;
        const double epoch_fraction = static_cast<double>(p.batch) / steps_per_epoch;
        p.seconds_left = elapsed / epoch_fraction * (tc.epochs - epoch - epoch_fraction);
        progress.batch_done(p);
      }
      const double train_seconds = seconds_since(epoch_start);

      EpochMetrics m;
      m.epoch = epoch;
      m.train_loss = loss_sum / static_cast<double>(images);
      m.train_acc = correct / static_cast<double>(images);
      if (!data.valid_indices.empty()) {
        const EvalStats v = evaluate(model, valid_loader);
        m.valid_loss = v.loss;
        m.valid_acc = v.accuracy;
      }
      m.test_acc = evaluate(model, test_loader).accuracy;
      m.lr = schedule.rate(epoch, steps_per_epoch - 1);
      m.images_per_s = static_cast<double>(images) / train_seconds;
      m.wall_s = seconds_since(epoch_start);
      state.history.push_back(m);
      state.completed_epochs = epoch + 1;

      // Checkpoint first: a crash between the two leaves a checkpoint whose history the
      // resumed run re-records; the reverse would record an epoch the run must redo.
      const SavedCheckpoint saved =
          save_checkpoint(ckpt, make_checkpoint(model, *optimizer, state, request, config_hash, arch));
      if (db) {
        Transaction t = db->transaction();
        db->record_epoch(*state.run_id, m);
        db->record_checkpoint(*state.run_id,
                              CheckpointInfo{state.completed_epochs, optimizer->step_count(),
                                             ckpt.string(), saved.checksum(),
                                             static_cast<std::int64_t>(saved.bytes)});
        t.commit();
      }
      progress.epoch_done(m, tc.epochs);
    }
  } catch (const Interrupted&) {
    if (db) db->finish_run(*state.run_id, RunStatus::interrupted);
    throw;
  } catch (...) {
    if (db) db->finish_run(*state.run_id, RunStatus::failed);
    throw;
  }
  outcome.train_seconds = seconds_since(run_start);

  // Final numbers from the model as it ended (for a finished run: as restored).
  const EvalStats test = evaluate(model, test_loader);
  outcome.test_accuracy = test.accuracy;
  outcome.test_loss = test.loss;
  if (!data.valid_indices.empty()) outcome.valid_accuracy = evaluate(model, valid_loader).accuracy;
  outcome.epochs = state.history;
  if (db) {
    Transaction t = db->transaction();
    db->record_result(*state.run_id, ResultInfo{genotype_id, "top1", "test", test.accuracy});
    db->record_result(*state.run_id, ResultInfo{genotype_id, "loss", "test", test.loss});
    if (outcome.valid_accuracy)
      db->record_result(*state.run_id,
                        ResultInfo{genotype_id, "top1", "valid", *outcome.valid_accuracy});
    t.commit();
    db->finish_run(*state.run_id, RunStatus::finished);
  }
  return outcome;
}

}  // namespace bitnas

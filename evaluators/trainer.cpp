#include "evaluators/trainer.hpp"

#include <chrono>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "evaluators/epoch_history.hpp"
#include "evaluators/evaluate.hpp"
#include "evaluators/genotype_record.hpp"
#include "evaluators/interrupt.hpp"
#include "evaluators/run_lifecycle.hpp"
#include "evaluators/lr_schedule.hpp"
#include "evaluators/optimizer_factory.hpp"
#include "evaluators/training_data.hpp"
#include "ops/core/exact_text.hpp"
#include "ops/core/fnv_hash.hpp"
#include "ops/core/log.hpp"
#include "ops/layers/binary_conv2d.hpp"
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
  // Only when set, so the hashes of runs from before the key existed stay valid.
  if (t.backward_precision != BackwardPrecision::float32)
    out << "backward_precision: " << to_string(t.backward_precision) << "\n";
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
  c.epoch = state.completed_epochs;
  c.step = optimizer.step_count();
  return c;
}

RunState restore_checkpoint(const Checkpoint& c, Module& model, Optimizer& optimizer) {
  restore_module_state(model, c.tensors);
  optimizer.load_state(c.optimizer);
  RunState state;
  state.completed_epochs = static_cast<int>(c.epoch);
  state.history = decode_epoch_history(c.strings.at("epoch_history"));
  return state;
}

// The database's copy of the config: the YAML as given plus the command-line overrides.
std::string recorded_config_text(const TrainRequest& request) {
  std::string text = request.config_text;
  if (request.overrides_text.empty()) return text;
  text += "\n# command-line overrides:\n";
  std::istringstream lines(request.overrides_text);
  for (std::string line; std::getline(lines, line);) text += "#   " + line + "\n";
  return text;
}

}  // namespace

std::string training_config_hash(const TrainRequest& r) {
  const ArchitectureId arch = architecture_id(r.model.space, r.model.genotype);
  return fnv1a_hex(arch.hash + "\n" + canonical_training_text(r.data, r.trainer));
}

TrainOutcome train(const TrainRequest& request, TrainingProgress& progress) {
  const TrainerConfig& tc = request.trainer;
  const std::string config_hash = training_config_hash(request);
  const ArchitectureId arch = architecture_id(request.model.space, request.model.genotype);
  RunSpec spec;
  spec.kind = RunKind::train;
  spec.name = request.name;
  spec.config_text = recorded_config_text(request);
  spec.config_hash = config_hash;
  spec.seed = tc.seed;
  spec.threads = tc.threads;
  spec.epochs = tc.epochs;
  spec.run_dir = request.run_dir;
  spec.db_path = request.db_path;
  spec.resume = request.resume;
  RunLifecycle run(spec, [&](const std::string& m) { progress.message(m); });

  const TrainingData data = load_training_data(request.data, tc.seed);
  progress.message(data.summary());
  Rng init_rng(tc.seed);
  Network model(request.model.space, request.model.genotype, data.input, init_rng);
  const CostTotals cost = measure_costs(model).total;
  if (set_binary_backward_precision(model, tc.backward_precision) != tc.backward_precision)
    progress.message(backward_precision_fallback_note("trainer.backward_precision"));
  BatchLoader train_loader = make_train_loader(data, request.data, tc.batch_size, tc.seed);
  BatchLoader valid_loader =
      make_eval_loader(data, data.train_set, data.valid_indices, tc.eval_batch_size);
  const int steps_per_epoch = train_loader.num_batches();
  const LrSchedule schedule(tc.schedule, tc.epochs, steps_per_epoch);
  std::unique_ptr<Optimizer> optimizer = make_optimizer(tc.optimizer, tc.schedule.base_lr, model.parameters());

  RunState state;
  if (run.checkpoint()) state = restore_checkpoint(*run.checkpoint(), model, *optimizer);
  run.start(RunPosition{state.completed_epochs, 0});
  ResultsDb* db = run.db();
  std::optional<std::int64_t> genotype_id;
  if (db) {
    Transaction t = db->transaction();
    genotype_id = db->upsert_genotype(genotype_record(arch, request.model.space.num_init_nodes, cost));
    for (const EpochMetrics& m : state.history) db->record_epoch(*run.run_id(), m);
    t.commit();
  }

  TrainOutcome outcome;
  outcome.run_id = run.run_id();
  outcome.checkpoint = run.checkpoint_path();
  outcome.was_finished = state.completed_epochs >= tc.epochs;
  const auto run_start = Clock::now();
  run.guard([&] {
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

      // Epochs are judged on the validation split only; the test split is read once, after
      // the last epoch, so nothing is ever selected on it.
      EpochMetrics m;
      m.epoch = epoch;
      m.train_loss = loss_sum / static_cast<double>(images);
      m.train_acc = correct / static_cast<double>(images);
      if (!data.valid_indices.empty()) {
        const EvalStats v = evaluate(model, valid_loader);
        m.valid_loss = v.loss;
        m.valid_acc = v.accuracy;
      }
      m.lr = schedule.rate(epoch, steps_per_epoch - 1);
      m.images_per_s = static_cast<double>(images) / train_seconds;
      m.wall_s = seconds_since(epoch_start);
      state.history.push_back(m);
      state.completed_epochs = epoch + 1;
      run.commit_epoch(make_checkpoint(model, *optimizer, state, request, config_hash, arch),
                       metrics_row(m), [&](ResultsDb& d) { d.record_epoch(*run.run_id(), m); });
      progress.epoch_done(m, tc.epochs);
    }
  });
  outcome.train_seconds = seconds_since(run_start);

  // Final numbers from the model as it ended (for a finished run: as restored). The test
  // split is evaluated here and nowhere else.
  run.guard([&] {
    BatchLoader test_loader =
        make_eval_loader(data, data.test_set, data.test_indices, tc.eval_batch_size);
    const EvalStats test = evaluate(model, test_loader);
    outcome.test_accuracy = test.accuracy;
    outcome.test_loss = test.loss;
    if (!data.valid_indices.empty()) outcome.valid_accuracy = evaluate(model, valid_loader).accuracy;
    outcome.epochs = state.history;
    // The command prints the result after the run; run.log keeps it too.
    logger().debug("test top-1 {} (loss {}), valid top-1 {}", exact_text(test.accuracy),
                   exact_text(test.loss),
                   outcome.valid_accuracy ? exact_text(*outcome.valid_accuracy) : "-");
    run.finish([&](ResultsDb& d) {
      const std::int64_t id = *run.run_id();
      d.record_result(id, ResultInfo{genotype_id, "top1", "test", test.accuracy});
      d.record_result(id, ResultInfo{genotype_id, "loss", "test", test.loss});
      if (outcome.valid_accuracy)
        d.record_result(id, ResultInfo{genotype_id, "top1", "valid", *outcome.valid_accuracy});
    });
  });
  return outcome;
}

}  // namespace bitnas

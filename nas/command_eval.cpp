// `bitnas eval`: accuracy of a trained checkpoint on a data split.
#include <nlohmann/json.hpp>

#include <iostream>

#include "evaluators/evaluate.hpp"
#include "evaluators/train_request.hpp"
#include "evaluators/training_data.hpp"
#include "nas/commands.hpp"
#include "storage/checkpoint.hpp"
#include "storage/module_state.hpp"

namespace bitnas::cli {

namespace {

struct EvalArgs {
  std::string checkpoint;
  std::string split = "test";
  int batch_size = 256;
  bool json = false;
};

const std::string& required_string(const Checkpoint& c, const std::string& key,
                                   const std::string& path) {
  const auto it = c.strings.find(key);
  if (it == c.strings.end())
    throw std::runtime_error(path + ": checkpoint has no '" + key +
                             "' entry; was it written by `bitnas train`?");
  return it->second;
}

void run_eval(const EvalArgs& a) {
  const Checkpoint c = load_checkpoint(a.checkpoint);
  if (required_string(c, "kind", a.checkpoint) != "train")
    throw std::runtime_error(a.checkpoint + ": not a training checkpoint");
  // Rebuild exactly what was trained: the stored config text and overrides, one code path.
  const TrainRequest request = make_train_request(
      required_string(c, "config_text", a.checkpoint),
      required_string(c, "config_source", a.checkpoint) + " (stored in " + a.checkpoint + ")",
      TrainOverrides::decode(required_string(c, "overrides", a.checkpoint)));
  const TrainingData data = load_training_data(request.data, request.trainer.seed);
  Rng rng(request.trainer.seed);
  Network model(request.model.space, request.model.genotype, data.input, rng);
  restore_module_state(model, c.tensors);

  const bool test = a.split == "test";
  const std::vector<int>& indices = a.split == "test"    ? data.test_indices
                                    : a.split == "valid" ? data.valid_indices
                                                         : data.train_indices;
  if (indices.empty()) throw std::runtime_error("the " + a.split + " split of this run is empty");
  BatchLoader loader =
      make_eval_loader(data, test ? data.test_set : data.train_set, indices, a.batch_size);
  const EvalStats stats = evaluate(model, loader);
  if (a.json) {
    std::cout << nlohmann::json{{"checkpoint", a.checkpoint}, {"epoch", c.epoch},
                                {"split", a.split},          {"images", stats.images},
                                {"accuracy", stats.accuracy}, {"loss", stats.loss}}
                     .dump()
              << "\n";
    return;
  }
  std::cout << a.split << " accuracy " << 100.0 * stats.accuracy << "% (loss " << stats.loss
            << ") on " << stats.images << " images, after epoch " << c.epoch << "\n";
}

}  // namespace

void register_eval_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "eval", "Evaluate a checkpoint written by `bitnas train` on a data split (the model and\n"
              "data are rebuilt from the config stored in the checkpoint).");
  auto a = std::make_shared<EvalArgs>();
  cmd->add_option("checkpoint", a->checkpoint, "checkpoint file (run dir/checkpoint.bnck)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--split", a->split, "test, valid or train")
      ->check(CLI::IsMember({"test", "valid", "train"}))
      ->capture_default_str();
  cmd->add_option("--batch-size", a->batch_size, "evaluation batch size")
      ->check(CLI::Range(1, kMaxBatchSize))
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "print one JSON object");
  cmd->callback([a] { run_eval(*a); });
}

}  // namespace bitnas::cli

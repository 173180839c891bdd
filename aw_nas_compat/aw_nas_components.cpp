// The components around the search space: dataset, controller, evaluator, the supernet's
// training, the objective, the search trainer and the final trainer.
#include <cmath>

#include "aw_nas_compat/aw_nas_translation.hpp"
#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

namespace {

// Copies `key` of `from` to `to[target]` when set.
void copy(AwNasSection& from, const std::string& key, YAML::Node to, const std::string& target) {
  const YAML::Node value = from.take(key);
  if (!is_unset(value)) to[target] = YAML::Clone(value);
}

double number(AwNasSection& s, const std::string& key, const YAML::Node& value) {
  try {
    return value.as<double>();
  } catch (const YAML::Exception&) {
    s.fail(key, "expected a number, got '" + scalar_text(value) + "'");
  }
}

void translate_evolution(AwNasSection& c, YAML::Node out, bool pareto) {
  out["type"] = "evolution";
  copy(c, pareto ? "init_population_size" : "population_size", out, "population_size");
  copy(c, "parent_pool_size", out, "tournament_size");
  if (pareto) out["selection"] = "pareto";
  c.ignore("elimination_strategy", {"regularized"},
           "BitNAS's evolution is regularized (the oldest member leaves)");
  c.ignore("mutate_kwargs", {}, "BitNAS mutates one edge's op or input");
  c.ignore("eval_sample_strategy", {"population", "all"}, "BitNAS evaluates every new child");
  for (const char* key : {"avoid_repeat", "avoid_mutate_repeat"})
    c.ignore(key, {"false"}, "BitNAS may sample a genotype again");
  for (const char* key : {"avoid_repeat_worst_threshold", "avoid_mutate_repeat_worst_threshold",
                          "avoid_repeat_fallback", "avoid_repeat_from"})
    c.ignore(key, {}, "BitNAS may sample a genotype again");
  c.ignore("perf_names", {}, "BitNAS's pareto selection uses reward and OPs");
  c.ignore("num_eliminate", {}, "BitNAS removes one member per child");
}

void translate_reinforce(AwNasTranslationState& st, AwNasSection& c, YAML::Node out) {
  out["type"] = "reinforce";
  c.ignore("controller_network_type", {"anchor_lstm", "embed_lstm"},
           "BitNAS has one LSTM policy");
  AwNasSection net(c.take("controller_network_cfg"), "controller_cfg.controller_network_cfg",
                   st.file, st.warnings);
  copy(net, "controller_hid", out, "hidden_size");
  copy(net, "tanh_constant", out, "tanh_constant");
  copy(net, "softmax_temperature", out, "temperature");
  net.ignore("num_lstm_layers", {"1"}, "BitNAS's LSTM has one layer");
  net.ignore("attention_hid", {}, "BitNAS's LSTM policy has no attention layer");
  net.ignore("op_tanh_reduce", {"1", "1.0"}, "BitNAS applies tanh_constant to every decision");
  net.ignore("force_uniform", {"false"}, "use controller type random for uniform sampling");
  net.ignore("schedule_cfg", {}, "BitNAS has no scheduled attributes");
  net.warn_about_untranslated_keys();
  c.ignore("rl_agent_type", {"pg"}, "BitNAS's REINFORCE is the policy gradient agent");
  AwNasSection agent(c.take("rl_agent_cfg"), "controller_cfg.rl_agent_cfg", st.file, st.warnings);
  copy(agent, "alpha", out, "ema_decay");
  copy(agent, "entropy_coeff", out, "entropy_weight");
  agent.ignore("gamma", {"1", "1.0"}, "one decision sequence per genotype, no discount");
  agent.ignore("max_grad_norm", {}, "BitNAS does not clip the controller's gradient");
  agent.ignore("batch_update", {"true"}, "BitNAS updates once per batch of samples");
  agent.warn_about_untranslated_keys();
  c.ignore("independent_cell_group", {"false"}, "one policy samples every cell group");
  c.ignore("condition_hidden_cell_groups", {"false"}, "one policy samples every cell group");
}

void translate_differentiable(AwNasSection& c, YAML::Node out) {
  out["type"] = "differentiable";
  out["mode"] = scalar_text(c.take("gumbel_hard")) == "true" ? "gdas" : "darts";
  copy(c, "gumbel_temperature", out, "gumbel_temperature");
  c.ignore("use_prob", {"false"}, "DARTS mixes ops by softmax weights, GDAS samples one");
  c.ignore("entropy_coeff", {"0", "0.0"}, "BitNAS adds no entropy term to the architecture loss");
  c.ignore("max_grad_norm", {}, "BitNAS does not clip the architecture gradient");
  c.ignore("force_uniform", {"false"}, "use controller type random for uniform sampling");
  c.ignore("inspect_hessian_every", {}, "BitNAS does not inspect the Hessian");
}

// The controller's optimizer lives in aw_nas's search trainer config.
void translate_controller_optimizer(AwNasSection& trainer, YAML::Node controller) {
  const YAML::Node o = trainer.take("controller_optimizer");
  if (is_unset(o)) return;
  const std::string type = controller["type"].IsDefined() ? controller["type"].as<std::string>() : "";
  if (type != "reinforce" && type != "differentiable") {
    trainer.warn("controller_optimizer", "a " + (type.empty() ? std::string("random") : type) +
                                             " controller has no optimizer; ignored");
    return;
  }
  if (o["type"].IsDefined() && scalar_text(o["type"]) != "Adam")
    trainer.warn("controller_optimizer", "BitNAS's controllers use Adam; type '" +
                                             scalar_text(o["type"]) + "' ignored");
  if (o["lr"].IsDefined()) controller["lr"] = YAML::Clone(o["lr"]);
  if (o["betas"].IsDefined() && o["betas"].IsSequence() && o["betas"].size() == 2) {
    controller["beta1"] = YAML::Clone(o["betas"][0]);
    controller["beta2"] = YAML::Clone(o["betas"][1]);
  }
  if (o["weight_decay"].IsDefined()) {
    if (type == "differentiable") controller["weight_decay"] = YAML::Clone(o["weight_decay"]);
    else if (!is_unset(o["weight_decay"]) && o["weight_decay"].as<double>() != 0.0)
      trainer.warn("controller_optimizer", "weight_decay: BitNAS's REINFORCE has none; ignored");
  }
  for (const auto& item : o) {
    const std::string key = item.first.as<std::string>();
    if (key != "type" && key != "lr" && key != "betas" && key != "weight_decay")
      trainer.warn("controller_optimizer", key + ": not translated; ignored");
  }
}

// aw_nas's data_portion splits the training set among its queues; BitNAS's search keeps a
// controller share (and a derive share) apart from the supernet's.
void translate_data_portion(AwNasSection& e, YAML::Node search, bool mepa) {
  const YAML::Node portion = e.take("data_portion");
  if (is_unset(portion)) return;
  if (!portion.IsSequence() || portion.size() != (mepa ? 3u : 2u))
    e.fail("data_portion", mepa ? "expected [surrogate, mepa, controller] shares"
                                : "expected [supernet, controller] shares");
  if (mepa && number(e, "data_portion", portion[0]) != 0.0)
    e.warn("data_portion", "BitNAS has no surrogate queue; its share is not used");
  const double controller = number(e, "data_portion", portion[mepa ? 2 : 1]);
  if (controller > 0.0 && controller < 0.8) search["controller_fraction"] = YAML::Clone(portion[mepa ? 2 : 1]);
  else e.warn("data_portion", "a controller share of " + scalar_text(portion[mepa ? 2 : 1]) +
                                  " leaves too little for the supernet and the derive split "
                                  "(BitNAS needs controller_fraction + derive_fraction < 0.9); "
                                  "the default share is used");
}

}  // namespace

YAML::Node translate_optimizer(const YAML::Node& o, AwNasSection& s, const std::string& key) {
  YAML::Node out;
  if (is_unset(o)) return out;
  const std::string type = scalar_text(o["type"]);
  if (type == "SGD") out["type"] = "sgd";
  else if (type == "Adam") out["type"] = "adam";
  else if (type == "AdamW") out["type"] = "adamw";
  else s.warn(key, "optimizer type '" + type + "' is not in BitNAS (SGD, Adam, AdamW); adam used");
  for (const auto& item : o) {
    const std::string k = item.first.as<std::string>();
    if (k == "type") continue;
    if (k == "lr" || k == "momentum" || k == "weight_decay" || k == "eps") out[k] = YAML::Clone(item.second);
    else if (k == "nesterov") out["nesterov"] = YAML::Clone(item.second);
    else if (k == "betas" && item.second.IsSequence() && item.second.size() == 2) {
      out["beta1"] = YAML::Clone(item.second[0]);
      out["beta2"] = YAML::Clone(item.second[1]);
    } else {
      s.warn(key, k + ": not translated; ignored");
    }
  }
  return out;
}

YAML::Node translate_scheduler(const YAML::Node& sch, AwNasSection& s, const std::string& key,
                               int epochs) {
  YAML::Node out;
  if (is_unset(sch)) {
    out["type"] = "constant";
    return out;
  }
  const std::string type = scalar_text(sch["type"]);
  if (type == "CosineAnnealingLR") {
    out["type"] = "cosine";
    if (sch["eta_min"].IsDefined()) out["min_lr"] = YAML::Clone(sch["eta_min"]);
    if (sch["T_max"].IsDefined() && epochs > 0 && sch["T_max"].as<double>() != epochs)
      s.warn(key, "T_max " + scalar_text(sch["T_max"]) + " differs from the " +
                      std::to_string(epochs) + " epochs; BitNAS's cosine spans the epochs");
  } else if (type == "MultiStepLR") {
    out["type"] = "step";
    if (sch["milestones"].IsDefined()) out["milestones"] = YAML::Clone(sch["milestones"]);
    if (sch["gamma"].IsDefined()) out["gamma"] = YAML::Clone(sch["gamma"]);
  } else {
    s.warn(key, "scheduler type '" + type + "' is not in BitNAS (CosineAnnealingLR, "
                "MultiStepLR); cosine used");
    out["type"] = "cosine";
    return out;
  }
  for (const auto& item : sch) {
    const std::string k = item.first.as<std::string>();
    if (k != "type" && k != "eta_min" && k != "T_max" && k != "milestones" && k != "gamma")
      s.warn(key, k + ": not translated; ignored");
  }
  return out;
}

void translate_dataset(AwNasTranslationState& st) {
  const YAML::Node type = st.root["dataset_type"];
  if (is_unset(type)) return;
  const std::string name = scalar_text(type);
  AwNasSection top(st.root, "", st.file, st.warnings);
  // aw_nas's own names for the datasets BitNAS reads, and BitNAS's for Fashion-MNIST.
  if (name == "cifar10" || name == "cifar100" || name == "fashion_mnist") st.out["data"]["dataset"] = name;
  else
    top.warn("dataset_type", "'" + name + "' is not a BitNAS dataset (fashion_mnist, cifar10, "
                             "cifar100, idx); set data.dataset in the translated config");
  AwNasSection cfg = st.section("dataset_cfg");
  cfg.ignore("cutout", {}, "BitNAS augments with random crops and flips only");
  cfg.warn_about_untranslated_keys();
}

void translate_search_components(AwNasTranslationState& st) {
  AwNasSection top(st.root, "", st.file, st.warnings);
  // Created as mappings: a default Node is materialised lazily, so a copy handed to a helper
  // would not share it.
  YAML::Node search(YAML::NodeType::Map), controller(YAML::NodeType::Map),
      evaluator(YAML::NodeType::Map), objective(YAML::NodeType::Map);
  YAML::Node weights_manager = st.out["weights_manager"];

  const std::string type = scalar_text(st.root["controller_type"]);
  AwNasSection c = st.section("controller_cfg");
  if (type == "random_sample") controller["type"] = "random";
  else if (type == "evo") translate_evolution(c, controller, false);
  else if (type == "pareto-evo") translate_evolution(c, controller, true);
  else if (type == "rl") translate_reinforce(st, c, controller);
  else if (type == "differentiable") translate_differentiable(c, controller);
  else if (!type.empty())
    throw ConfigError(st.file + ": controller_type: '" + type + "' is not translated (BitNAS: "
                      "random_sample, evo, pareto-evo, rl, differentiable)");
  c.ignore("rollout_type", {"discrete", "differentiable"}, "BitNAS rollouts are genotypes");
  c.ignore("mode", {"eval", "train"}, "BitNAS switches modes itself");
  c.ignore("schedule_cfg", {}, "BitNAS has no scheduled attributes");
  c.warn_about_untranslated_keys();

  const std::string evaluator_type = scalar_text(st.root["evaluator_type"]);
  const bool mepa = evaluator_type == "mepa";
  if (!evaluator_type.empty() && !mepa && evaluator_type != "discrete_shared_weights" &&
      evaluator_type != "differentiable_shared_weights")
    top.warn("evaluator_type", "'" + evaluator_type + "' is read as BitNAS's shared-weights "
                               "evaluator (mepa, discrete_shared_weights and "
                               "differentiable_shared_weights are)");
  AwNasSection e = st.section("evaluator_cfg");
  const YAML::Node batch = e.take("batch_size");
  if (!is_unset(batch)) {
    search["batch_size"] = YAML::Clone(batch);
    evaluator["batch_size"] = YAML::Clone(batch);
  }
  const std::string opt_key = mepa ? "mepa_optimizer" : "eval_optimizer";
  const std::string sch_key = mepa ? "mepa_scheduler" : "eval_scheduler";
  const YAML::Node optimizer = translate_optimizer(e.take(opt_key), e, opt_key);
  if (optimizer.size() > 0) weights_manager["optimizer"] = optimizer;
  if (e.has(sch_key)) weights_manager["lr_schedule"] = translate_scheduler(e.take(sch_key), e, sch_key, 0);
  translate_data_portion(e, search, mepa);
  e.ignore("rollout_type", {"discrete", "differentiable"}, "BitNAS rollouts are genotypes");
  for (const char* key : {"controller_surrogate_steps", "mepa_surrogate_steps"})
    e.ignore(key, {"0"}, "BitNAS has no surrogate steps");
  for (const char* key : {"derive_surrogate_steps", "surrogate_optimizer", "surrogate_scheduler",
                          "surrogate_lr_optimizer", "surrogate_lr_scheduler",
                          "update_mepa_surrogate_steps", "multi_step_loss_start",
                          "shuffle_indice_file", "shuffle_data_before_split_seed", "schedule_cfg"})
    e.ignore(key, {}, "BitNAS has no such setting");
  for (const char* key : {"use_maml_plus", "high_order", "learn_per_weight_step_lr",
                          "use_multi_step_loss", "report_inner_diagnostics",
                          "report_cont_data_diagnostics", "disable_step_current",
                          "use_same_surrogate_data", "mepa_as_surrogate", "multiprocess",
                          "shuffle_data_before_split", "schedule_every_batch",
                          "evaluate_with_whole_queue"})
    e.ignore(key, {"false"}, "BitNAS has no such setting");
  for (const char* key : {"load_optimizer", "load_scheduler", "strict_load_weights_manager"})
    e.ignore(key, {"true"}, "BitNAS checkpoints always hold the optimizer and the weights");
  for (const char* key : {"mepa_samples", "eval_samples", "rollout_batch_size"})
    e.ignore(key, {"1"}, "BitNAS evaluates each genotype once per step");
  e.ignore("multi_step_loss_epochs", {}, "BitNAS has no multi-step loss");
  e.ignore("workers_per_queue", {}, "BitNAS loads data in process (--threads)");
  e.ignore("bptt_steps", {}, "BitNAS has no recurrent tasks");
  e.warn_about_untranslated_keys();

  if (st.root["weights_manager_cfg"].IsDefined() &&
      (st.root["final_model_cfg"].IsDefined() || st.root["final_model_type"].IsDefined())) {
    // The final model set the architecture; only the supernet's training keys remain.
    AwNasSection w = st.section("weights_manager_cfg");
    copy(w, "max_grad_norm", weights_manager, "grad_clip");
    w.ignore("rollout_type", {"discrete", "differentiable"}, "BitNAS rollouts are genotypes");
    w.ignore("gpus", {}, "BitNAS runs on CPU threads (--threads)");
    for (const auto& item : st.root["weights_manager_cfg"]) {
      const std::string key = item.first.as<std::string>();
      if (key != "max_grad_norm" && key != "rollout_type" && key != "gpus")
        w.ignore(key, {}, "the architecture comes from final_model_cfg");
    }
  }
  const std::string wm_type = scalar_text(st.root["weights_manager_type"]);
  if (!wm_type.empty() && wm_type != "supernet" && wm_type != "diff_supernet")
    top.warn("weights_manager_type", "'" + wm_type + "' is read as BitNAS's supernet");

  const std::string objective_type = scalar_text(st.root["objective_type"]);
  if (!objective_type.empty()) {
    objective["type"] = "accuracy";
    if (objective_type != "classification")
      top.warn("objective_type", "'" + objective_type + "' is not translated; the accuracy "
                                 "objective is used (BitNAS also has ops_budget)");
  }
  AwNasSection o = st.section("objective_cfg");
  o.ignore("label_smooth", {}, "BitNAS's loss is plain cross-entropy");
  o.ignore("schedule_cfg", {}, "BitNAS has no scheduled attributes");
  o.warn_about_untranslated_keys();

  const std::string trainer_type = scalar_text(st.root["trainer_type"]);
  if (!trainer_type.empty() && trainer_type != "simple")
    top.warn("trainer_type", "'" + trainer_type + "' is read as BitNAS's search loop");
  AwNasSection t = st.section("trainer_cfg");
  copy(t, "epochs", search, "epochs");
  copy(t, "controller_samples", search, "samples_per_step");
  copy(t, "controller_steps", search, "controller_steps_per_epoch");
  translate_controller_optimizer(t, controller);
  t.ignore("rollout_type", {"discrete", "differentiable"}, "BitNAS rollouts are genotypes");
  t.ignore("controller_scheduler", {}, "BitNAS's controllers keep their learning rate");
  t.ignore("derive_samples", {}, "choose the count at `bitnas derive --top N`");
  t.ignore("test_every", {}, "BitNAS scores genotypes at every controller step");
  t.ignore("evaluator_steps", {}, "BitNAS trains the supernet on all its batches per epoch "
                                   "(search.supernet_steps_per_epoch)");
  for (const char* key : {"controller_train_every", "controller_train_begin",
                          "interleave_controller_every", "rollout_batch_size"})
    t.ignore(key, {"1"}, "BitNAS interleaves one controller step per epoch");
  t.ignore("schedule_cfg", {}, "BitNAS has no scheduled attributes");
  t.warn_about_untranslated_keys();

  if (search.size() > 0) st.out["search"] = search;
  if (controller.size() > 0) st.out["controller"] = controller;
  if (evaluator.size() > 0) st.out["evaluator"] = evaluator;
  if (objective.size() > 0) st.out["objective"] = objective;
  if (weights_manager.size() > 0) st.out["weights_manager"] = weights_manager;
}

void translate_final_trainer(AwNasTranslationState& st) {
  AwNasSection top(st.root, "", st.file, st.warnings);
  const std::string type = scalar_text(st.root["final_trainer_type"]);
  if (!type.empty() && type != "cnn_trainer")
    top.warn("final_trainer_type", "'" + type + "' is read as BitNAS's trainer");
  if (!st.root["final_trainer_cfg"].IsDefined() && type.empty()) return;
  AwNasSection f = st.section("final_trainer_cfg");
  // aw_nas's cnn_trainer defaults stand where the config leaves a key out.
  const auto value_or = [&](const std::string& key, const char* fallback) {
    const YAML::Node v = f.take(key);
    return is_unset(v) ? YAML::Node(fallback) : v;
  };
  YAML::Node trainer;
  const YAML::Node epochs = value_or("epochs", "600");
  trainer["epochs"] = epochs;
  trainer["batch_size"] = value_or("batch_size", "96");
  copy(f, "eval_batch_size", trainer, "eval_batch_size");
  trainer["grad_clip"] = value_or("grad_clip", "5.0");
  copy(f, "seed", trainer, "seed");
  YAML::Node optimizer;
  optimizer["type"] = value_or("optimizer_type", "SGD");
  optimizer["lr"] = value_or("learning_rate", "0.025");
  if (scalar_text(optimizer["type"]) == "SGD") optimizer["momentum"] = value_or("momentum", "0.9");
  else f.ignore("momentum", {}, "an " + scalar_text(optimizer["type"]) + " optimizer has no momentum");
  optimizer["weight_decay"] = value_or("weight_decay", "3.0e-4");
  const YAML::Node kwargs = f.take("optimizer_kwargs");
  if (!is_unset(kwargs))
    for (const auto& item : kwargs) optimizer[item.first.as<std::string>()] = item.second;
  trainer["optimizer"] = translate_optimizer(optimizer, f, "optimizer_type");
  YAML::Node scheduler = f.take("optimizer_scheduler");
  if (!f.has("optimizer_scheduler")) {
    scheduler = YAML::Node();
    scheduler["type"] = "CosineAnnealingLR";
    scheduler["eta_min"] = 0.001;
  }
  YAML::Node schedule =
      translate_scheduler(scheduler, f, "optimizer_scheduler", static_cast<int>(number(f, "epochs", epochs)));
  const YAML::Node warmup = f.take("warmup_epochs");
  if (!is_unset(warmup) && number(f, "warmup_epochs", warmup) > 0) schedule["warmup_epochs"] = warmup;
  trainer["lr_schedule"] = schedule;
  const bool aux = scalar_text(f.take("auxiliary_head")) == "true";
  if (aux) f.warn("auxiliary_head", "ignored (BitNAS networks have no auxiliary head)");
  if (aux) f.ignore("auxiliary_weight", {}, "BitNAS networks have no auxiliary head");
  else f.take("auxiliary_weight");  // no head, so the weight multiplies nothing
  f.take("add_regularization");  // BitNAS models have no regularisation term to add
  f.ignore("no_bias_decay", {"false"}, "BitNAS decays every parameter the optimizer holds");
  f.take("save_as_state_dict");  // how aw_nas saves checkpoints; BitNAS has its own format
  f.ignore("workers_per_queue", {}, "BitNAS loads data in process (--threads)");
  f.ignore("multiprocess", {"false"}, "BitNAS runs on CPU threads (--threads)");
  f.ignore("eval_no_grad", {"true"}, "BitNAS evaluates without gradients");
  f.ignore("eval_every", {"1"}, "BitNAS evaluates after every epoch");
  f.ignore("calib_bn_setup", {"false"}, "BitNAS has no OFA models");
  f.ignore("schedule_cfg", {}, "BitNAS has no scheduled attributes");
  f.warn_about_untranslated_keys();
  st.out["trainer"] = trainer;
}

}  // namespace bitnas

#include "evaluators/train_config.hpp"

namespace bitnas {

const char* to_string(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::fashion_mnist: return "fashion_mnist";
    case DatasetKind::idx: return "idx";
    case DatasetKind::cifar10: return "cifar10";
    case DatasetKind::cifar100: return "cifar100";
  }
  return "?";
}

const char* to_string(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::sgd: return "sgd";
    case OptimizerKind::adam: return "adam";
    case OptimizerKind::adamw: return "adamw";
  }
  return "?";
}

DataConfig parse_data_config(const ConfigSection& s) {
  DataConfig d;
  const std::string dataset =
      s.get_choice("dataset", {"fashion_mnist", "idx", "cifar10", "cifar100"}, "fashion_mnist");
  d.dataset = dataset == "cifar10"    ? DatasetKind::cifar10
              : dataset == "cifar100" ? DatasetKind::cifar100
              : dataset == "idx"      ? DatasetKind::idx
                                      : DatasetKind::fashion_mnist;
  d.dir = s.get_string("dir", "");
  if (d.dataset == DatasetKind::idx && d.dir.empty())
    s.fail("dir", "dataset idx needs the directory of its IDX files");
  d.valid_fraction = s.get_double_in("valid_fraction", 0.1, 0.0, 0.9);
  d.train_limit = s.get_int_in("train_limit", 0, 0, kMaxImages);
  d.test_limit = s.get_int_in("test_limit", 0, 0, kMaxImages);
  d.normalize = s.get_bool("normalize", true);
  if (auto a = s.optional_section("augmentation")) {
    d.augmentation.random_crop = a->get_bool("random_crop", false);
    d.augmentation.crop_padding = a->get_int_in("crop_padding", 4, 0, kMaxCropPadding);
    d.augmentation.horizontal_flip = a->get_bool("horizontal_flip", false);
    a->reject_unknown_keys();
  }
  s.reject_unknown_keys();
  return d;
}

void parse_optimizer_section(const ConfigSection& o, OptimizerConfig& optimizer,
                             LrScheduleConfig& schedule) {
  const std::string type = o.get_choice("type", {"sgd", "adam", "adamw"}, "adam");
  optimizer.kind = type == "sgd"     ? OptimizerKind::sgd
                   : type == "adamw" ? OptimizerKind::adamw
                                     : OptimizerKind::adam;
  schedule.base_lr =
      o.get_double_in("lr", optimizer.kind == OptimizerKind::sgd ? 0.1 : 1e-3, 0.0, 100.0);
  optimizer.weight_decay = o.get_double_in("weight_decay", 0.0, 0.0, 1.0);
  optimizer.momentum = o.get_double_in("momentum", 0.9, 0.0, 1.0);
  optimizer.nesterov = o.get_bool("nesterov", false);
  optimizer.beta1 = o.get_double_in("beta1", 0.9, 0.0, 1.0);
  optimizer.beta2 = o.get_double_in("beta2", 0.999, 0.0, 1.0);
  optimizer.eps = o.get_double_in("eps", 1e-8, 0.0, 1.0);
  o.reject_unknown_keys();
}

void parse_lr_schedule_section(const ConfigSection& l, LrScheduleConfig& schedule) {
  const std::string type = l.get_choice("type", {"constant", "cosine", "step"}, "cosine");
  schedule.kind = type == "constant" ? LrScheduleKind::constant
                  : type == "step"   ? LrScheduleKind::step
                                     : LrScheduleKind::cosine;
  schedule.min_lr = l.get_double_in("min_lr", 0.0, 0.0, 100.0);
  schedule.gamma = l.get_double_in("gamma", 0.1, 0.0, 1.0);
  schedule.warmup_epochs = l.get_double_in("warmup_epochs", 0.0, 0.0, 1e6);
  if (auto m = l.get_optional_int_list("milestones")) schedule.milestones = *m;
  if (schedule.kind == LrScheduleKind::step && schedule.milestones.empty())
    l.fail("milestones", "a step schedule needs milestone epochs");
  for (std::size_t i = 0; i < schedule.milestones.size(); ++i) {
    const int m = schedule.milestones[i];
    if (m < 1 || m > kMaxEpochs)
      l.fail("milestones", "epoch " + std::to_string(m) + " is not in [1, " +
                               std::to_string(kMaxEpochs) + "]");
    if (i > 0 && m <= schedule.milestones[i - 1])
      l.fail("milestones", "must be strictly increasing, but " + std::to_string(m) + " follows " +
                               std::to_string(schedule.milestones[i - 1]));
  }
  l.reject_unknown_keys();
}

void parse_optimizer_and_schedule(const ConfigSection& parent, OptimizerConfig& optimizer,
                                  LrScheduleConfig& schedule) {
  if (auto o = parent.optional_section("optimizer")) parse_optimizer_section(*o, optimizer, schedule);
  if (auto l = parent.optional_section("lr_schedule")) {
    parse_lr_schedule_section(*l, schedule);
    // The cosine schedule would climb from lr to min_lr: surely a swapped pair.
    if (schedule.min_lr > schedule.base_lr)
      l->fail("min_lr", "is above the optimizer's lr (" + std::to_string(schedule.min_lr) +
                            " > " + std::to_string(schedule.base_lr) + ")");
  }
}

TrainerConfig parse_trainer_config(const ConfigSection& s) {
  TrainerConfig t;
  t.epochs = s.get_int_in("epochs", 10, 1, kMaxEpochs);
  t.batch_size = s.get_int_in("batch_size", 128, 1, kMaxBatchSize);
  t.eval_batch_size = s.get_int_in("eval_batch_size", 256, 1, kMaxBatchSize);
  t.grad_clip = s.get_double_in("grad_clip", 0.0, 0.0, 1e9);
  t.backward_precision = parse_backward_precision(
      s.get_choice("backward_precision", {"float32", "bfloat16"}, "float32"));
  t.seed = static_cast<std::uint64_t>(s.get_int_in("seed", 1, 0, kMaxSeed));
  t.threads = s.get_int_in("threads", 0, 0, kMaxThreads);
  parse_optimizer_and_schedule(s, t.optimizer, t.schedule);
  s.reject_unknown_keys();
  return t;
}

}  // namespace bitnas

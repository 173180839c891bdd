#include "evaluators/train_config.hpp"

namespace bitnas {

const char* to_string(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::fashion_mnist: return "fashion_mnist";
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

namespace {

int positive_int(const ConfigSection& s, const std::string& key, int fallback) {
  const int v = s.get_int(key, fallback);
  if (v < 1) s.fail(key, "must be >= 1, got " + std::to_string(v));
  return v;
}

int non_negative_int(const ConfigSection& s, const std::string& key, int fallback) {
  const int v = s.get_int(key, fallback);
  if (v < 0) s.fail(key, "must be >= 0, got " + std::to_string(v));
  return v;
}

double number_in(const ConfigSection& s, const std::string& key, double fallback, double lo,
                 double hi) {
  const double v = s.get_double(key, fallback);
  if (!(v >= lo && v <= hi))
    s.fail(key, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                    std::to_string(v));
  return v;
}

}  // namespace

DataConfig parse_data_config(const ConfigSection& s) {
  DataConfig d;
  const std::string dataset =
      s.get_choice("dataset", {"fashion_mnist", "cifar10", "cifar100"}, "fashion_mnist");
  d.dataset = dataset == "cifar10"    ? DatasetKind::cifar10
              : dataset == "cifar100" ? DatasetKind::cifar100
                                      : DatasetKind::fashion_mnist;
  d.dir = s.get_string("dir", "");
  d.valid_fraction = number_in(s, "valid_fraction", 0.1, 0.0, 0.9);
  d.train_limit = non_negative_int(s, "train_limit", 0);
  d.test_limit = non_negative_int(s, "test_limit", 0);
  d.normalize = s.get_bool("normalize", true);
  if (auto a = s.optional_section("augmentation")) {
    d.augmentation.random_crop = a->get_bool("random_crop", false);
    d.augmentation.crop_padding = non_negative_int(*a, "crop_padding", 4);
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
      number_in(o, "lr", optimizer.kind == OptimizerKind::sgd ? 0.1 : 1e-3, 0.0, 100.0);
  optimizer.weight_decay = number_in(o, "weight_decay", 0.0, 0.0, 1.0);
  optimizer.momentum = number_in(o, "momentum", 0.9, 0.0, 1.0);
  optimizer.nesterov = o.get_bool("nesterov", false);
  optimizer.beta1 = number_in(o, "beta1", 0.9, 0.0, 1.0);
  optimizer.beta2 = number_in(o, "beta2", 0.999, 0.0, 1.0);
  optimizer.eps = number_in(o, "eps", 1e-8, 0.0, 1.0);
  o.reject_unknown_keys();
}

void parse_lr_schedule_section(const ConfigSection& l, LrScheduleConfig& schedule) {
  const std::string type = l.get_choice("type", {"constant", "cosine", "step"}, "cosine");
  schedule.kind = type == "constant" ? LrScheduleKind::constant
                  : type == "step"   ? LrScheduleKind::step
                                     : LrScheduleKind::cosine;
  schedule.min_lr = number_in(l, "min_lr", 0.0, 0.0, 100.0);
  schedule.gamma = number_in(l, "gamma", 0.1, 0.0, 1.0);
  schedule.warmup_epochs = number_in(l, "warmup_epochs", 0.0, 0.0, 1e6);
  if (auto m = l.get_optional_int_list("milestones")) schedule.milestones = *m;
  if (schedule.kind == LrScheduleKind::step && schedule.milestones.empty())
    l.fail("milestones", "a step schedule needs milestone epochs");
  l.reject_unknown_keys();
}

TrainerConfig parse_trainer_config(const ConfigSection& s) {
  TrainerConfig t;
  t.epochs = positive_int(s, "epochs", 10);
  t.batch_size = positive_int(s, "batch_size", 128);
  t.eval_batch_size = positive_int(s, "eval_batch_size", 256);
  t.grad_clip = number_in(s, "grad_clip", 0.0, 0.0, 1e9);
  const int seed = s.get_int("seed", 1);
  if (seed < 0) s.fail("seed", "must be >= 0");
  t.seed = static_cast<std::uint64_t>(seed);
  t.threads = non_negative_int(s, "threads", 0);

  if (auto o = s.optional_section("optimizer")) parse_optimizer_section(*o, t.optimizer, t.schedule);
  if (auto l = s.optional_section("lr_schedule")) parse_lr_schedule_section(*l, t.schedule);
  s.reject_unknown_keys();
  return t;
}

}  // namespace bitnas

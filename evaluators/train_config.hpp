#pragma once
// The `data` and `trainer` sections of a training YAML (retraining a genotype or baseline from
// scratch), parsed once into typed, validated structs. Every error names file, line and key.
#include <cstdint>
#include <limits>
#include <string>

#include "data/augmentation.hpp"
#include "evaluators/lr_schedule.hpp"
#include "ops/kernels/backward_precision.hpp"
#include "search_spaces/yaml_reader.hpp"

namespace bitnas {

// Thread counts are recorded with each run and reproduce it bit for bit, so any count up to
// this (far above the cores of any machine) is honoured; a larger one is surely a typo.
inline constexpr int kMaxThreads = 1024;
inline constexpr int kMaxSeed = std::numeric_limits<int>::max();
// Upper bounds of the other size keys, shared by training and search configs: each is far
// above real use and keeps a typo from asking for gigabytes or days.
inline constexpr int kMaxEpochs = 10'000;
inline constexpr int kMaxBatchSize = 65'536;
inline constexpr int kMaxImages = 10'000'000;
inline constexpr int kMaxCropPadding = 16;

// idx: IDX files named as Fashion-MNIST's, of any image size (data.dir required).
enum class DatasetKind { fashion_mnist, idx, cifar10, cifar100 };
const char* to_string(DatasetKind kind);

struct DataConfig {
  bool operator==(const DataConfig&) const = default;
  DatasetKind dataset = DatasetKind::fashion_mnist;
  std::string dir;              // empty: the dataset's default (Fashion-MNIST's Debian path)
  double valid_fraction = 0.1;  // carved from the training set; the test set stays apart
  int train_limit = 0;          // > 0: use only this many training images (quick runs)
  int test_limit = 0;           // > 0: evaluate on only this many test images
  AugmentationOptions augmentation;
  bool normalize = true;        // per-channel mean/std of the training portion
};

enum class OptimizerKind { sgd, adam, adamw };
const char* to_string(OptimizerKind kind);

struct OptimizerConfig {
  bool operator==(const OptimizerConfig&) const = default;
  OptimizerKind kind = OptimizerKind::adam;
  double weight_decay = 0.0;  // never applied to binary latent weights nor BN (BMXNet)
  double momentum = 0.9;      // sgd
  bool nesterov = false;      // sgd
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // adam / adamw
};

struct TrainerConfig {
  bool operator==(const TrainerConfig&) const = default;
  int epochs = 10;
  int batch_size = 128;
  int eval_batch_size = 256;
  OptimizerConfig optimizer;
  LrScheduleConfig schedule;
  double grad_clip = 0.0;  // > 0: clip the gradient norm to this
  // Arithmetic of the binary convs' backward GEMMs (float32 exact; bfloat16 where the CPU has
  // AVX512_BF16, float32 elsewhere with a warning).
  BackwardPrecision backward_precision = BackwardPrecision::float32;
  std::uint64_t seed = 1;
  int threads = 0;  // 0: every core
};

DataConfig parse_data_config(const ConfigSection& section);
// An `optimizer:` mapping (type, lr, weight_decay, momentum, nesterov, beta1, beta2, eps); lr
// goes to the schedule's base rate.
void parse_optimizer_section(const ConfigSection& section, OptimizerConfig& optimizer,
                             LrScheduleConfig& schedule);
// An `lr_schedule:` mapping (type, min_lr, gamma, milestones, warmup_epochs).
void parse_lr_schedule_section(const ConfigSection& section, LrScheduleConfig& schedule);
// The optional `optimizer:` and `lr_schedule:` mappings of `parent`, checked together
// (min_lr must not exceed lr).
void parse_optimizer_and_schedule(const ConfigSection& parent, OptimizerConfig& optimizer,
                                  LrScheduleConfig& schedule);
TrainerConfig parse_trainer_config(const ConfigSection& section);

}  // namespace bitnas

// Retraining runs end to end on a small synthetic Fashion-MNIST-format data set: a tiny binary
// network learns it, identical configs give bit-identical runs, a run interrupted after an
// epoch and resumed ends bit-identical to an uninterrupted one, and the database has the rows.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "evaluators/epoch_history.hpp"
#include "evaluators/metrics_csv.hpp"
#include "ops/core/exact_text.hpp"
#include "ops/core/log.hpp"
#include "evaluators/interrupt.hpp"
#include "evaluators/lr_schedule.hpp"
#include "evaluators/train_request.hpp"
#include "ops/kernels/float_conv.hpp"
#include "storage/checkpoint.hpp"
#include "storage/results_db.hpp"
#include "tests/support/data_files.hpp"
#include "tests/support/quadrant_dataset.hpp"
#include "tests/support/tiny_configs.hpp"

namespace bitnas {
namespace {

using testing::Bytes;
using testing::TempDir;

// Stops the run (as Ctrl-C would) once `after_epochs` epochs are done.
class StopAfter : public SilentProgress {
 public:
  explicit StopAfter(int after_epochs) : after_(after_epochs) {}
  void epoch_done(const EpochMetrics& m, int) override {
    if (m.epoch + 1 == after_) request_stop();
  }

 private:
  int after_;
};

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clear_stop_request();
    testing::write_quadrant_dataset(data_);
  }
  void TearDown() override { clear_stop_request(); }

  TrainRequest request(int epochs, const std::string& run) const {
    TrainRequest r = make_train_request(testing::tiny_train_yaml(data_.path(), epochs), "tiny.yaml", {});
    r.run_dir = work_.file(run);
    r.db_path = work_.file("results.db");
    return r;
  }

  TempDir data_, work_;
};

TEST_F(TrainerTest, LearnsASeparableTaskAndRecordsIt) {
  SilentProgress quiet;
  const TrainOutcome out = train(request(4, "learn"), quiet);
  EXPECT_GT(out.test_accuracy, 0.9);
  ASSERT_EQ(out.epochs.size(), 4u);
  EXPECT_LT(*out.epochs.back().train_loss, *out.epochs.front().train_loss);

  const ResultsDb db = ResultsDb::open(work_.file("results.db"), Access::read_only);
  ASSERT_TRUE(out.run_id);
  EXPECT_EQ(db.get_run(*out.run_id).status, RunStatus::finished);
  EXPECT_EQ(db.epochs(*out.run_id).size(), 4u);
  bool has_test_top1 = false;
  for (const auto& r : db.results(*out.run_id))
    if (r.info.metric == "top1" && r.info.split == "test") {
      has_test_top1 = true;
      EXPECT_DOUBLE_EQ(r.info.value, out.test_accuracy);
      ASSERT_TRUE(r.info.genotype_id);
      EXPECT_TRUE(db.get_genotype(*r.info.genotype_id).binary_params.has_value());
    }
  EXPECT_TRUE(has_test_top1);
  EXPECT_EQ(db.checkpoints(*out.run_id).size(), 1u) << "one file, rewritten every epoch";
}

TEST_F(TrainerTest, InterruptedAndResumedEqualsUninterrupted) {
  SilentProgress quiet;
  const TrainOutcome straight = train(request(3, "straight"), quiet);

  StopAfter stop(1);
  EXPECT_THROW(train(request(3, "resumed"), stop), Interrupted);
  clear_stop_request();
  {
    const ResultsDb db = ResultsDb::open(work_.file("results.db"), Access::read_only);
    EXPECT_EQ(db.list_runs().back().status, RunStatus::interrupted);
  }
  EXPECT_THROW(train(request(3, "resumed"), quiet), std::runtime_error)
      << "an existing checkpoint without --resume is refused";
  TrainRequest again = request(3, "resumed");
  again.resume = true;
  const TrainOutcome resumed = train(again, quiet);

  const Checkpoint a = load_checkpoint(straight.checkpoint);
  const Checkpoint b = load_checkpoint(resumed.checkpoint);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (const auto& [name, t] : a.tensors) {
    const Tensor& u = b.tensors.at(name);
    ASSERT_EQ(t.shape(), u.shape()) << name;
    for (std::int64_t i = 0; i < t.numel(); ++i) ASSERT_EQ(t[i], u[i]) << name << "[" << i << "]";
  }
  ASSERT_EQ(a.optimizer.size(), b.optimizer.size());
  for (const auto& [name, t] : a.optimizer)
    for (std::int64_t i = 0; i < t.numel(); ++i) ASSERT_EQ(t[i], b.optimizer.at(name)[i]) << name;
  ASSERT_EQ(straight.epochs.size(), resumed.epochs.size());
  for (std::size_t e = 0; e < straight.epochs.size(); ++e) {
    EXPECT_EQ(straight.epochs[e].train_loss, resumed.epochs[e].train_loss) << e;
    EXPECT_EQ(straight.epochs[e].test_acc, resumed.epochs[e].test_acc) << e;
  }
  EXPECT_EQ(straight.test_accuracy, resumed.test_accuracy);

  TrainRequest finished = request(3, "resumed");
  finished.resume = true;
  EXPECT_TRUE(train(finished, quiet).was_finished);
  EXPECT_TRUE(train(request(3, "resumed"), quiet).was_finished)
      << "a finished run is reported, with or without --resume";
}

TEST_F(TrainerTest, CheckpointOfAnotherConfigIsRefused) {
  SilentProgress quiet;
  train(request(1, "run"), quiet);
  TrainRequest other = request(2, "run");  // different epochs: a different configuration
  other.resume = true;
  try {
    train(other, quiet);
    FAIL() << "resumed a checkpoint of another configuration";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("different configuration"), std::string::npos) << e.what();
  }
}

// trainer.backward_precision: bfloat16 learns as float32 does, repeats bit for bit, and is
// really a different arithmetic (the runs differ from float32's).
TEST_F(TrainerTest, Bfloat16BackwardLearnsAndRepeatsBitForBit) {
  if (usable_backward_precision(BackwardPrecision::bfloat16) != BackwardPrecision::bfloat16)
    GTEST_SKIP() << "this CPU has no AVX512_BF16: bfloat16 falls back to float32 here";
  auto bf16_request = [&](const std::string& run) {
    std::string yaml = testing::tiny_train_yaml(data_.path(), 3);
    yaml.replace(yaml.find("trainer:\n"), 9, "trainer:\n  backward_precision: bfloat16\n");
    TrainRequest r = make_train_request(yaml, "tiny.yaml", {});
    r.run_dir = work_.file(run);
    r.db_path = work_.file("results.db");
    return r;
  };
  SilentProgress quiet;
  const TrainOutcome a = train(bf16_request("bf16-a"), quiet);
  const TrainOutcome b = train(bf16_request("bf16-b"), quiet);
  const TrainOutcome exact = train(request(3, "float32"), quiet);
  EXPECT_GT(a.test_accuracy, 0.9);
  ASSERT_EQ(a.epochs.size(), 3u);
  bool differs_from_float32 = false;
  for (std::size_t e = 0; e < a.epochs.size(); ++e) {
    EXPECT_EQ(a.epochs[e].train_loss, b.epochs[e].train_loss) << e;
    differs_from_float32 |= a.epochs[e].train_loss != exact.epochs[e].train_loss;
  }
  EXPECT_EQ(a.test_accuracy, b.test_accuracy);
  EXPECT_TRUE(differs_from_float32);
}

TEST(TrainRequest, UnknownBackwardPrecisionIsRefusedWithItsKey) {
  std::string yaml = testing::tiny_train_yaml("/nonexistent", 1);
  yaml.replace(yaml.find("trainer:\n"), 9, "trainer:\n  backward_precision: fp16\n");
  try {
    make_train_request(yaml, "t.yaml", {});
    FAIL() << "fp16 accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("trainer.backward_precision"), std::string::npos)
        << e.what();
  }
}

TEST(TrainRequest, OverridesAndErrors) {
  TrainOverrides o;
  o.baseline = "resnete18";
  o.epochs = 7;
  const TrainRequest r = make_train_request("trainer: {epochs: 2}\n", "x.yaml", o);
  EXPECT_EQ(r.trainer.epochs, 7);
  EXPECT_EQ(r.model.name, "resnete18");
  EXPECT_EQ(TrainOverrides::decode(o.encode()).encode(), o.encode());
  try {
    make_train_request("trainer: {epochs: 2, epoch: 3}\nbaseline: resnete18\n", "y.yaml", {});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "y.yaml:1: trainer.epoch: unknown key");
  }
  EXPECT_THROW(make_train_request("data: {}\n", "z.yaml", {}), ConfigError);
}

TEST(LrSchedule, CosineStepAndWarmup) {
  LrScheduleConfig c;
  c.base_lr = 1.0;
  const LrSchedule cosine(c, 4, 10);
  EXPECT_DOUBLE_EQ(cosine.rate(0, 0), 1.0);
  EXPECT_NEAR(cosine.rate(2, 0), 0.5, 1e-12);
  c.kind = LrScheduleKind::step;
  c.milestones = {1, 3};
  c.gamma = 0.3;
  const LrSchedule step(c, 4, 10);
  EXPECT_DOUBLE_EQ(step.rate(0, 9), 1.0);
  EXPECT_DOUBLE_EQ(step.rate(1, 0), 0.3);
  EXPECT_NEAR(step.rate(3, 5), 0.09, 1e-12);
  c.kind = LrScheduleKind::constant;
  c.warmup_epochs = 1.0;
  const LrSchedule warm(c, 4, 10);
  EXPECT_NEAR(warm.rate(0, 0), 0.1, 1e-12);
  EXPECT_NEAR(warm.rate(0, 4), 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(warm.rate(1, 0), 1.0);
}

TEST(EpochHistory, RoundTripsExactly) {
  EpochMetrics a;
  a.epoch = 0;
  a.train_loss = 0.1 + 0.2;
  a.test_acc = 1.0 / 3.0;
  EpochMetrics b;
  b.epoch = 1;
  b.lr = 1e-300;
  const auto back = decode_epoch_history(encode_epoch_history({a, b}));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].train_loss, a.train_loss);
  EXPECT_EQ(back[0].test_acc, a.test_acc);
  EXPECT_FALSE(back[0].lr.has_value());
  EXPECT_EQ(back[1].lr, b.lr);
  EXPECT_THROW(decode_epoch_history("0 1 2\n"), std::invalid_argument);
}

}  // namespace
}  // namespace bitnas

namespace bitnas {
namespace {

std::vector<std::string> lines_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A killed run's epoch can be in metrics.csv without its checkpoint (the row is written first);
// the resumed run cuts it and writes that epoch once. run.log keeps both processes' messages.
TEST_F(TrainerTest, RunDirectoryKeepsRunLogAndMetricsWithoutDuplicateRows) {
  StopAfter stop(1);
  EXPECT_THROW(train(request(3, "logged"), stop), Interrupted);
  clear_stop_request();
  const std::filesystem::path dir = work_.file("logged");
  ASSERT_EQ(lines_of(metrics_csv_path(dir)).size(), 2u) << "header and epoch 0";
  {
    std::ofstream stale(metrics_csv_path(dir), std::ios::app);
    stale << "1,9,9,9,9,9,9,9,9\n2,9,9";  // epoch 1 lost its checkpoint; epoch 2 torn
  }
  TrainRequest again = request(3, "logged");
  again.resume = true;
  SilentProgress quiet;
  const TrainOutcome out = train(again, quiet);

  const std::vector<std::string> rows = lines_of(metrics_csv_path(dir));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0],
            "epoch,train_loss,train_acc,valid_loss,valid_acc,test_acc,lr,images_per_s,wall_s");
  for (int e = 0; e < 3; ++e) {
    std::istringstream fields(rows[static_cast<std::size_t>(e) + 1]);
    std::string epoch, train_loss;
    std::getline(fields, epoch, ',');
    std::getline(fields, train_loss, ',');
    EXPECT_EQ(epoch, std::to_string(e));
    EXPECT_EQ(std::stod(train_loss), *out.epochs[static_cast<std::size_t>(e)].train_loss) << e;
  }

  std::string log;
  for (const auto& line : lines_of(RunLogFile::path_in(dir))) log += line + "\n";
  EXPECT_NE(log.find("starting"), std::string::npos) << log;
  EXPECT_NE(log.find("interrupted"), std::string::npos) << log;
  EXPECT_NE(log.find("continuing after epoch 1"), std::string::npos) << log;
  EXPECT_NE(log.find("test top-1 " + exact_text(out.test_accuracy) + " "), std::string::npos)
      << log;
  EXPECT_NE(log.find("finished"), std::string::npos) << log;
}

TEST(MetricsCsv, TrimKeepsTheHeaderAndCommittedEpochs) {
  TempDir dir;
  const std::filesystem::path file = dir.file("metrics.csv");
  SearchEpochMetrics m;
  for (int e = 0; e < 3; ++e) {
    m.epoch = e;
    m.mean_reward = 0.25 * e;
    append_metrics_row(file, metrics_row(m));
  }
  trim_metrics_csv(file, 2);
  const std::vector<std::string> rows = lines_of(file);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0],
            "epoch,supernet_loss,supernet_acc,mean_reward,best_reward,controller_loss,"
            "samples_per_s,wall_s");
  EXPECT_EQ(rows[1], "0,,,0,,,,");
  EXPECT_EQ(rows[2], "1,,,0.25,,,,");
  trim_metrics_csv(dir.file("absent.csv"), 0);
  EXPECT_FALSE(std::filesystem::exists(dir.file("absent.csv")));
}

}  // namespace
}  // namespace bitnas

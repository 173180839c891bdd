#pragma once
// What a long-running loop tells whoever watches it. The command line renders it (a line
// updated in place on a terminal, plain log lines otherwise, nothing with --quiet); tests
// ignore it.
#include <string>

#include "storage/result_records.hpp"

namespace bitnas {

struct BatchProgress {
  int epoch = 0, epochs = 0;
  int batch = 0, batches = 0;  // batch: how many are done in this epoch
  double loss = 0.0;           // running mean over the epoch so far
  double accuracy = 0.0;
  double images_per_s = 0.0;
  double seconds_left = 0.0;   // estimate for the whole run
};

class TrainingProgress {
 public:
  virtual ~TrainingProgress() = default;
  virtual void message(const std::string& text) = 0;
  virtual void batch_done(const BatchProgress& progress) = 0;
  virtual void epoch_done(const EpochMetrics& metrics, int epochs) = 0;
};

// Says nothing.
class SilentProgress : public TrainingProgress {
 public:
  void message(const std::string&) override {}
  void batch_done(const BatchProgress&) override {}
  void epoch_done(const EpochMetrics&, int) override {}
};

}  // namespace bitnas

#pragma once
// Rows for results databases built in tests (ResultsDb's record types with the fields a test
// cares about as arguments, the rest fixed), shared by the query and report tests.
#include <cstdint>
#include <optional>
#include <string>

#include "storage/result_records.hpp"
#include "storage/results_db.hpp"

namespace bitnas::testing {

inline GenotypeRecord genotype(const char* hash, const char* canonical, std::optional<double> ops) {
  GenotypeRecord g;
  g.hash = hash;
  g.canonical = canonical;
  if (ops) {
    g.fp_params = 100;
    g.binary_params = 6400;
    g.flops = static_cast<std::int64_t>(*ops) - 1000;
    g.bops = 64000;
    g.ops = *ops;
    g.bytes = 1200.0;
  }
  return g;
}

inline RunInfo run_info(RunKind kind, std::string name) {
  RunInfo info;
  info.kind = kind;
  info.name = std::move(name);
  info.config_text = "config";
  info.config_hash = "cfg-" + info.name;
  info.host = "test-host";
  info.bitnas_version = "0.1.0";
  return info;
}

inline SampleInfo sample(std::int64_t step, std::int64_t idx, std::int64_t epoch, std::int64_t genotype,
                  double reward, std::optional<double> loss) {
  SampleInfo s;
  s.step = step;
  s.index = idx;
  s.epoch = epoch;
  s.genotype_id = genotype;
  s.reward = reward;
  s.loss = loss;
  s.accuracy = reward;
  return s;
}

// A train run of `genotype` that ends with test top-1 `top1` and validation top-1 `top1` +
// 1/32 (rankings follow validation).
inline std::int64_t retrain(ResultsDb& db, const std::string& name, std::int64_t genotype, double top1) {
  const std::int64_t run = db.begin_run(run_info(RunKind::train, name));
  db.record_result(run, ResultInfo{genotype, "top1", "test", top1});
  db.record_result(run, ResultInfo{genotype, "top1", "valid", top1 + 0.03125});
  db.record_result(run, ResultInfo{genotype, "loss", "test", 0.5});
  db.finish_run(run, RunStatus::finished);
  return run;
}

}  // namespace bitnas::testing

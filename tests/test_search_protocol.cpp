// The search protocol's remedies for weight-sharing collapse and stale rewards: uniform and
// strictly fair training paths, `none` left out of sampling, the cap on parameter-free edges,
// path dropout, the shared-weights evaluator's fixed reward images, versioned cache, BN
// recalibration and OPs floor / ceiling, a controller that beats random search on a noisy,
// drifting reward, and a search and derive that never read the test split.
#include <gtest/gtest.h>

#include <map>

#include "controllers/evolution_controller.hpp"
#include "controllers/random_controller.hpp"
#include "evaluators/genotype_record.hpp"
#include "evaluators/interrupt.hpp"
#include "evaluators/memory_budget.hpp"
#include "evaluators/shared_weights_evaluator.hpp"
#include "evaluators/training_data.hpp"
#include "nas/search/search_run.hpp"
#include "search_spaces/fair_path_sampler.hpp"
#include "search_spaces/op_registry.hpp"
#include "storage/results_db.hpp"
#include "storage/sqlite_statement.hpp"
#include "tests/support/data_files.hpp"
#include "tests/support/error_text.hpp"
#include "tests/support/quadrant_dataset.hpp"
#include "tests/support/tiny_configs.hpp"
#include "tests/test_controllers_util.hpp"
#include "tests/test_supernet_util.hpp"

namespace bitnas {
namespace {

const char* kOps = "[bconv_3x3, bconv_5x5, skip_connect, avg_pool_3x3, max_pool_3x3, none]";

// (slot, op) -> how often the op decision of that slot took that op.
std::map<std::pair<int, std::string>, int> op_counts(const GenotypeSpace& space,
                                                     const std::vector<Genotype>& genotypes) {
  std::map<std::pair<int, std::string>, int> counts;
  for (const Genotype& g : genotypes) {
    const std::vector<int> d = space.encode(g);
    for (int i = 1; i < space.num_decisions(); i += 2) ++counts[{i, space.primitives()[d[i]]}];
  }
  return counts;
}

TEST(PathSampling, UniformPathsLeaveNoneOutAndDrawTheOthersAlike) {
  const SearchSpaceConfig config = testing::controller_test_space(3, kOps);
  const GenotypeSpace space(config, SamplingRules{.sample_none = false});
  Rng rng(5);
  std::vector<Genotype> paths;
  for (int i = 0; i < 3000; ++i) paths.push_back(space.random(rng));
  const auto counts = op_counts(space, paths);
  for (const auto& [key, n] : counts) {
    EXPECT_NE(key.second, "none");
    // 3000 draws over 5 ops: 600 each, binomial sd ~22; 5 sd of slack.
    EXPECT_NEAR(n, 600, 110) << "slot " << key.first << " op " << key.second;
  }
  EXPECT_EQ(counts.size(), static_cast<std::size_t>(space.num_decisions() / 2 * 5));
}

TEST(PathSampling, FairPathsTrainEveryOpOfEverySlotEquallyOften) {
  const SearchSpaceConfig config = testing::controller_test_space(3, kOps);
  const GenotypeSpace space(config, SamplingRules{.sample_none = false});
  const FairPathSampler fair(space, 17);
  ASSERT_EQ(fair.cycle_length(), 5);
  Rng rng(6);
  std::vector<Genotype> paths;
  for (std::int64_t step = 0; step < 7 * fair.cycle_length(); ++step) paths.push_back(fair.path(step, rng));
  for (const auto& [key, n] : op_counts(space, paths)) {
    EXPECT_NE(key.second, "none");
    EXPECT_EQ(n, 7) << "slot " << key.first << " op " << key.second;
  }
  // The schedule is a function of the step: a resumed run continues it.
  Rng again(6);
  EXPECT_EQ(fair.path(0, again), paths[0]);
}

TEST(PathSampling, ParameterFreeCapHoldsForRandomAndEvolution) {
  const SearchSpaceConfig config = testing::controller_test_space(3, kOps);
  const SamplingRules rules{.sample_none = false, .max_parameter_free_per_cell = 2};
  const GenotypeSpace space(config, rules);
  Rng rng(7);
  auto parameter_free = [](const CellGenotype& cell) {
    int n = 0;
    for (const GenotypeEdge& e : cell.edges) n += is_parameter_free_op(e.op);
    return n;
  };
  for (int i = 0; i < 300; ++i) {
    const Genotype g = space.random(rng);
    for (const CellGenotype& cell : g.cells) EXPECT_LE(parameter_free(cell), 2);
    const Genotype child = space.mutate(g, rng);
    for (const CellGenotype& cell : child.cells) EXPECT_LE(parameter_free(cell), 2);
  }
  EvolutionController evolution(config, {10, 3}, 8, rules);
  for (int i = 0; i < 100; ++i) {
    const std::vector<Genotype> g = evolution.sample(1);
    for (const CellGenotype& cell : g[0].cells) EXPECT_LE(parameter_free(cell), 2);
    evolution.step(g, testing::rewards_of(g, "skip_connect"));  // rewards the capped op
  }
  // A cap no genotype can meet is an error naming the key, not an endless loop.
  const GenotypeSpace impossible(testing::controller_test_space(3, "[skip_connect, avg_pool_3x3]"),
                                 SamplingRules{.sample_none = false, .max_parameter_free_per_cell = 1});
  try {
    impossible.random(rng);
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("max_parameter_free_per_cell"), std::string::npos) << e.what();
  }
}

// A restriction (the search's hard OPs budget) holds for every draw and mutation, the random
// and evolution controllers, and an unmeetable one is an error naming it.
TEST(PathSampling, RandomAndEvolutionDrawWithinARestriction) {
  const SearchSpaceConfig config = testing::controller_test_space(3, kOps);
  // A stand-in cost: binary convs per genotype, at most half of the edges.
  const auto convs = [](const Genotype& g) {
    int n = 0;
    for (const CellGenotype& cell : g.cells)
      for (const GenotypeEdge& e : cell.edges) n += e.op.rfind("bconv", 0) == 0;
    return n;
  };
  GenotypeSpace space(config, SamplingRules{.sample_none = false});
  Rng rng(3);
  const Genotype first = space.random(rng);
  int edges = 0;
  for (const CellGenotype& cell : first.cells) edges += static_cast<int>(cell.edges.size());
  const auto within = [&](const Genotype& g) { return convs(g) <= edges / 2; };
  int unrestricted_outside = 0;
  for (int i = 0; i < 200; ++i) unrestricted_outside += !within(space.random(rng));
  ASSERT_GT(unrestricted_outside, 20) << "the restriction must bind for the test to mean anything";

  space.restrict_to(within, "at most half binary convs");
  for (int i = 0; i < 200; ++i) {
    const Genotype g = space.random(rng);
    EXPECT_TRUE(within(g));
    EXPECT_TRUE(within(space.mutate(g, rng)));
  }
  RandomController random(config, 5, SamplingRules{.sample_none = false});
  EvolutionController evolution(config, {6, 2}, 5, SamplingRules{.sample_none = false});
  random.restrict_to(within, "at most half binary convs");
  evolution.restrict_to(within, "at most half binary convs");
  for (int i = 0; i < 60; ++i)
    for (Controller* c : std::initializer_list<Controller*>{&random, &evolution}) {
      const std::vector<Genotype> g = c->sample(2);
      for (const Genotype& x : g) EXPECT_TRUE(within(x)) << c->type_name();
      c->step(g, testing::rewards_of(g, "bconv_3x3"));  // rewards what the restriction limits
    }

  space.restrict_to([](const Genotype&) { return false; }, "an impossible budget");
  const std::string error = testing::error_of([&] { space.random(rng); });
  EXPECT_NE(error.find("an impossible budget"), std::string::npos) << error;
}

TEST(PathSampling, DroppedParameterFreeEdgesComputeWhatNoneComputes) {
  const SearchSpaceConfig config = testing::space_from_yaml(testing::kConcatSpace);
  Rng init(9);
  Supernet net(config, testing::kTinyInput, init);
  const Genotype path = parse_genotype(
      "normal_0=[('bconv_3x3', 0, 2), ('skip_connect', 1, 2), ('avg_pool_3x3', 0, 3), "
      "('bconv_1x1', 2, 3)], reduce_1=[('max_pool_3x3', 0, 2), ('bconv_3x3', 1, 2), "
      "('skip_connect', 0, 3), ('bconv_1x1', 2, 3)]");
  Genotype as_none = path;
  for (CellGenotype& cell : as_none.cells)
    for (GenotypeEdge& e : cell.edges)
      if (is_parameter_free_op(e.op)) e.op = "none";
  const Tensor x = testing::random_tensor({2, 8, 8, 1}, 10);
  net.set_genotype(path, [](const std::string& op) { return is_parameter_free_op(op); });
  const Tensor dropped = net.forward(x, Mode::eval);
  net.set_genotype(as_none);
  const Tensor none = net.forward(x, Mode::eval);
  ASSERT_EQ(dropped.shape(), none.shape());
  for (std::int64_t i = 0; i < dropped.numel(); ++i) EXPECT_EQ(dropped[i], none[i]) << i;
}

// Path dropout may cut every edge that reads the stem; the step still trains the rest (a
// search crashed on "the stem output was unused" before).
TEST(PathSampling, APathCutOffFromTheStemStillRunsBackward) {
  const SearchSpaceConfig config = testing::space_from_yaml(testing::kConcatSpace);
  Rng init(9);
  Supernet net(config, testing::kTinyInput, init);
  // Cell 0 (normal) and cell 1 (reduce) read the stem only through parameter-free edges.
  const Genotype path = parse_genotype(
      "normal_0=[('skip_connect', 0, 2), ('avg_pool_3x3', 1, 2), ('max_pool_3x3', 0, 3), "
      "('bconv_1x1', 2, 3)], reduce_1=[('max_pool_3x3', 0, 2), ('bconv_3x3', 1, 2), "
      "('skip_connect', 0, 3), ('bconv_1x1', 2, 3)]");
  net.set_genotype(path, [](const std::string& op) { return is_parameter_free_op(op); });
  const Tensor x = testing::random_tensor({2, 8, 8, 1}, 10);
  const Tensor logits = net.forward(x, Mode::train);
  for (auto& p : net.parameters()) p.param->grad.fill(0.0f);
  const Tensor grad_images = net.backward(Tensor(logits.shape(), 1.0f));
  EXPECT_TRUE(grad_images.empty());
  double head_grad = 0.0, stem_grad = 0.0;
  for (auto& p : net.parameters())
    for (float g : p.param->grad.values())
      (p.name.rfind("stem", 0) == 0 ? stem_grad : head_grad) += std::abs(g);
  EXPECT_EQ(stem_grad, 0.0);
  EXPECT_GT(head_grad, 0.0);
}

TEST(PathSampling, DifferentiableSupernetHasNoAffineNorms) {
  const SearchSpaceConfig config = testing::space_from_yaml(testing::kConcatSpace);
  Rng a(3), b(3);
  Supernet affine(config, testing::kTinyInput, a);
  Supernet plain(config, testing::kTinyInput, b, /*affine_norms=*/false);
  auto norms = [](Supernet& net) {
    int n = 0;
    for (const auto& p : net.parameters()) n += p.param->role == ParamRole::norm;
    return n;
  };
  EXPECT_GT(norms(affine), 0);
  EXPECT_EQ(norms(plain), 0);
}

// ---- the shared-weights evaluator ---------------------------------------------------------

class EvaluatorTest : public ::testing::Test {
 protected:
  EvaluatorTest() : space_(testing::space_from_yaml(testing::kConcatSpace)), init_(11),
                    net_(space_, testing::kTinyInput, init_) {}

  Batch batch(std::uint64_t seed, int n) const {
    Batch b;
    b.images = testing::random_tensor({n, 8, 8, 1}, seed);
    Rng rng(seed);
    for (int i = 0; i < n; ++i) b.labels.push_back(static_cast<int>(rng.below(5)));
    return b;
  }
  SharedWeightsEvaluator evaluator(EvaluatorConfig config, ObjectiveConfig objective = {},
                                   SamplingRules rules = {}) {
    return SharedWeightsEvaluator(net_, space_, testing::kTinyInput, config, objective, rules,
                                  {batch(1, 6), batch(2, 6)}, {batch(3, 8), batch(4, 8)});
  }
  Genotype genotype(const char* first_op) const {
    return parse_genotype(std::string("normal_0=[('") + first_op +
                          "', 0, 2), ('bconv_1x1', 1, 2), ('bconv_3x3', 0, 3), ('bconv_1x1', 2, 3)], "
                          "reduce_1=[('bconv_3x3', 0, 2), ('bconv_3x3', 1, 2), ('bconv_1x1', 0, 3), "
                          "('bconv_3x3', 2, 3)]");
  }

  SearchSpaceConfig space_;
  Rng init_;
  Supernet net_;
};

TEST_F(EvaluatorTest, RewardsComeFromTheSameImagesAndRecalibrationIsRepeatable) {
  EvaluatorConfig config;  // recalibrate, the default
  SharedWeightsEvaluator e = evaluator(config);
  EXPECT_EQ(e.reward_images(), 12);
  const Reward a = e.evaluate(genotype("bconv_3x3"));
  e.evaluate(genotype("max_pool_3x3"));  // another path recalibrates shared BNs in between
  e.set_supernet_version(1);             // forces a fresh measurement
  const Reward b = e.evaluate(genotype("bconv_3x3"));
  EXPECT_FALSE(b.cached);
  EXPECT_EQ(a.accuracy, b.accuracy);
  EXPECT_EQ(a.loss, b.loss);
}

TEST_F(EvaluatorTest, CacheIsKeyedBySupernetVersion) {
  SharedWeightsEvaluator e = evaluator(EvaluatorConfig{.bn_mode = BnMode::train});
  const Genotype g = genotype("bconv_3x3");
  EXPECT_FALSE(e.evaluate(g).cached);
  EXPECT_TRUE(e.evaluate(g).cached);
  EXPECT_EQ(e.evaluations(), 1);
  e.set_supernet_version(5);
  EXPECT_FALSE(e.evaluate(g).cached);
  EXPECT_EQ(e.evaluations(), 2);
}

TEST_F(EvaluatorTest, OpsFloorAndCeilingRejectOrPenalise) {
  const Genotype g = genotype("bconv_3x3");
  const double ops = evaluator(EvaluatorConfig{}).ops_of(g);
  ObjectiveConfig ceiling{.kind = ObjectiveKind::ops_budget, .max_ops = ops * 0.5};
  EXPECT_TRUE(evaluator(EvaluatorConfig{}, ceiling).evaluate(g).rejected);
  ObjectiveConfig floor{.kind = ObjectiveKind::ops_budget, .min_ops = ops * 2};
  EXPECT_TRUE(evaluator(EvaluatorConfig{}, floor).evaluate(g).rejected);
  ObjectiveConfig inside{.kind = ObjectiveKind::ops_budget, .min_ops = ops * 0.5, .max_ops = ops * 2};
  EXPECT_FALSE(evaluator(EvaluatorConfig{}, inside).evaluate(g).rejected);
  floor.budget_mode = BudgetMode::penalty;
  floor.penalty = 0.5;
  const Reward r = evaluator(EvaluatorConfig{}, floor).evaluate(g);
  EXPECT_FALSE(r.rejected);
  EXPECT_NEAR(r.reward, r.accuracy - 0.5 * (1.0 - 0.5), 1e-12);
}

// Derive-time evaluation measures a genotype outside the OPs budget (its shared-weights top-1
// feeds the rank correlation over a uniform sample) and only zeroes its reward.
TEST_F(EvaluatorTest, DeriveMeasuresGenotypesOutsideTheBudgetButRewardsThemZero) {
  Dataset data;
  data.height = 8, data.width = 8, data.channels = 1, data.num_classes = 5;
  Rng rng(21);
  for (int i = 0; i < 12; ++i) {
    for (int p = 0; p < 64; ++p) data.pixels.push_back(static_cast<std::uint8_t>(rng.below(256)));
    data.labels.push_back(static_cast<std::uint16_t>(rng.below(5)));
  }
  std::vector<int> indices(12);
  for (int i = 0; i < 12; ++i) indices[static_cast<std::size_t>(i)] = i;
  BatchLoader loader(data, indices, LoaderOptions{.batch_size = 4, .shuffle = false});
  const Genotype g = genotype("bconv_3x3");
  const Reward within = evaluator(EvaluatorConfig{}).evaluate_all(g, loader);
  ObjectiveConfig ceiling{.kind = ObjectiveKind::ops_budget, .max_ops = within.ops * 0.5};
  const Reward outside = evaluator(EvaluatorConfig{}, ceiling).evaluate_all(g, loader);
  EXPECT_TRUE(outside.rejected);
  EXPECT_EQ(outside.reward, 0.0);
  EXPECT_EQ(outside.accuracy, within.accuracy);
  EXPECT_EQ(outside.loss, within.loss);
  EXPECT_GT(outside.loss, 0.0);
  EXPECT_TRUE(evaluator(EvaluatorConfig{}, ceiling).evaluate(g).rejected);  // search: not measured
  EXPECT_EQ(evaluator(EvaluatorConfig{}, ceiling).evaluate(g).loss, 0.0);
}

TEST_F(EvaluatorTest, GenotypesOutsideTheSamplingRulesAreRejected) {
  SharedWeightsEvaluator e = evaluator(EvaluatorConfig{}, {}, SamplingRules{.sample_none = false});
  EXPECT_TRUE(e.evaluate(genotype("none")).rejected);
  EXPECT_FALSE(e.evaluate(genotype("bconv_3x3")).rejected);
}

// ---- controllers on a noisy, drifting reward ------------------------------------------------

TEST(SearchProtocol, EvolutionWithRefreshedRewardsBeatsRandomOnANoisyDriftingReward) {
  // True quality: the fraction of bconv_5x5 edges. Measured: quality + a drift that grows
  // with time (an older measurement reads low) + noise of sd 0.1.
  const SearchSpaceConfig space = testing::controller_test_space(4, kOps);
  Rng noise(21);
  int t = 0;
  auto measure = [&](const Genotype& g) {
    return testing::target_pattern_reward(g, "bconv_5x5") + 0.002 * t + 0.1 * noise.normal();
  };
  EvolutionController evolution(space, {20, 5}, 22);
  RandomController random(space, 22);
  double evolved = 0.0, drawn = 0.0;
  const int budget = 500, tail = 100;
  for (t = 0; t < budget; ++t) {
    if (t % 50 == 0) {  // the search re-measures the population once per "epoch"
      std::vector<double> fresh;
      for (const Genotype& g : evolution.rewards_to_refresh()) fresh.push_back(measure(g));
      evolution.refresh_rewards(fresh);
    }
    const std::vector<Genotype> g = evolution.sample(1);
    evolution.step(g, {measure(g[0])});
    const std::vector<Genotype> r = random.sample(1);
    if (t >= budget - tail) {
      evolved += testing::target_pattern_reward(g[0], "bconv_5x5") / tail;
      drawn += testing::target_pattern_reward(r[0], "bconv_5x5") / tail;
    }
  }
  EXPECT_GT(evolved, drawn + 0.2) << "evolution " << evolved << " vs random " << drawn;
}

TEST(SearchProtocol, ParetoEvolutionBreedsTheCheapAndTheAccurate) {
  // Reward favours bconv_5x5 edges; cost favours parameter-free ones. Reward-only selection
  // drifts to the expensive op; Pareto selection keeps cheaper cells in the population too.
  const SearchSpaceConfig space = testing::controller_test_space(4, kOps);
  auto cost = [](const Genotype& g) {
    double ops = 0.0;
    for (const CellGenotype& cell : g.cells)
      for (const GenotypeEdge& e : cell.edges) ops += is_parameter_free_op(e.op) ? 0.0 : 1.0;
    return ops;
  };
  auto min_cost_after = [&](EvolutionSelection selection) {
    EvolutionController evolution(space, {20, 8, selection}, 31);
    evolution.set_cost_model(cost);
    for (int i = 0; i < 400; ++i) {
      const std::vector<Genotype> g = evolution.sample(1);
      evolution.step(g, testing::rewards_of(g, "bconv_5x5"));
    }
    double lowest = 1e9;
    for (const ScoredGenotype& m : evolution.population()) lowest = std::min(lowest, cost(m.genotype));
    return lowest;
  };
  EXPECT_LT(min_cost_after(EvolutionSelection::pareto), min_cost_after(EvolutionSelection::reward));
  EvolutionController no_cost(space, {4, 2, EvolutionSelection::pareto}, 1);
  for (int i = 0; i < 4; ++i) {
    const std::vector<Genotype> g = no_cost.sample(1);
    no_cost.step(g, {0.5});
  }
  EXPECT_THROW(no_cost.sample(1), std::logic_error);
}

// ---- the test split ----------------------------------------------------------------------

class QuietSearch : public SearchProgress {
 public:
  void message(const std::string&) override {}
  void step_done(const SearchProgressInfo&) override {}
  void epoch_done(const SearchEpochMetrics&, int) override {}
};

TEST(SearchProtocol, SearchAndDeriveNeverReadTheTestSplit) {
  testing::TempDir data, work;
  testing::write_quadrant_dataset(data);
  clear_stop_request();
  SearchRequest r;
  r.config = parse_search_config(testing::tiny_search_yaml(data.path(), "{type: evolution, population_size: 4, tournament_size: 2}"),
                                 "tiny.yaml");
  r.run_dir = work.file("run");
  r.db_path = work.file("r.db");
  QuietSearch quiet;
  const int before = test_split_loads();
  const SearchOutcome out = run_search(r, quiet);
  DeriveRequest d;
  d.db_path = *r.db_path;
  d.search_run = *out.run_id;
  run_derive(d, quiet);
  EXPECT_EQ(test_split_loads(), before);
}

TEST(SearchProtocol, DeriveRefusesACheckpointReplacedSinceTheDatabaseRecordedIt) {
  testing::TempDir data, work;
  testing::write_quadrant_dataset(data);
  clear_stop_request();
  SearchRequest r;
  r.config = parse_search_config(testing::tiny_search_yaml(data.path(), "{type: random}"), "tiny.yaml");
  r.run_dir = work.file("run");
  r.db_path = work.file("r.db");
  QuietSearch quiet;
  const SearchOutcome out = run_search(r, quiet);
  // Another search's checkpoint copied over this one's.
  SearchRequest other = r;
  other.config.schedule.seed = 9;
  other.run_dir = work.file("other");
  other.db_path.reset();
  run_search(other, quiet);
  std::filesystem::copy_file(work.file("other") + "/checkpoint.bnck", work.file("run") + "/checkpoint.bnck",
                             std::filesystem::copy_options::overwrite_existing);
  DeriveRequest d;
  d.db_path = *r.db_path;
  d.search_run = *out.run_id;
  const std::string error = testing::error_of([&] { run_derive(d, quiet); });
  EXPECT_NE(error.find("differs from"), std::string::npos) << error;
}

TEST(SearchProtocol, AnExhaustedRandomControllerDoesNotStopTheSearch) {
  testing::TempDir data, work;
  testing::write_quadrant_dataset(data);
  clear_stop_request();
  SearchRequest r;
  std::string yaml = testing::tiny_search_yaml(data.path(), "{type: random}");
  // 2 cells x 2 nodes x (1 or 2 inputs) x 3 drawable ops: far fewer genotypes than the
  // 2 epochs x 3 steps x 60 samples asked for, and the supernet samples its paths from it.
  yaml.replace(yaml.find("samples_per_step: 2"), 19, "samples_per_step: 60\n  supernet_sampling: controller");
  r.config = parse_search_config(yaml, "tiny.yaml");
  r.run_dir = work.file("run");
  QuietSearch quiet;
  const SearchOutcome out = run_search(r, quiet);
  EXPECT_EQ(out.epochs.size(), 2u);
  EXPECT_GT(out.samples, 0);
  EXPECT_LT(out.samples, 2 * 3 * 60);  // the space ran out
}

// With a hard OPs budget (ops_budget, reject) the random and evolution controllers spend every
// evaluation on a genotype within it: no sample of the search is a rejected one.
TEST(SearchProtocol, AHardOpsBudgetIsWhereTheControllersDraw) {
  testing::TempDir data, work;
  testing::write_quadrant_dataset(data);
  clear_stop_request();
  const SearchConfig plain = parse_search_config(testing::tiny_search_yaml(data.path(), "{type: random}"), "tiny.yaml");
  // The budget: the median OPs of the space's genotypes, so that it cuts the space in two.
  const GenotypeSpace space(plain.space, plain.schedule.rules);
  const InputSpec input = dataset_input(plain.data);
  Rng rng(9);
  std::vector<double> ops;
  for (int i = 0; i < 41; ++i) ops.push_back(*measured_genotype_record(plain.space, space.random(rng), input).ops);
  std::nth_element(ops.begin(), ops.begin() + 20, ops.end());
  const double budget = ops[20];
  ASSERT_LT(budget, *std::max_element(ops.begin(), ops.end()));

  for (const char* controller : {"{type: random}", "{type: evolution, population_size: 4, tournament_size: 2}"}) {
    SearchRequest r;
    r.config = parse_search_config(testing::tiny_search_yaml(data.path(), controller) +
                                       "objective: {type: ops_budget, max_ops: " +
                                       std::to_string(budget) + "}\n",
                                   "tiny.yaml");
    r.run_dir = work.file(std::string("run-") + controller[7]);
    r.db_path = work.file("r.db");
    QuietSearch quiet;
    const SearchOutcome out = run_search(r, quiet);
    ASSERT_GT(out.samples, 0);
    const ResultsDb db = ResultsDb::open(*r.db_path, Access::read_only);
    SqliteStatement query(db.connection(),
                          "SELECT COUNT(*), MAX(g.ops) FROM samples s JOIN genotypes g "
                          "ON g.id = s.genotype_id WHERE s.run_id = ?");
    query.bind(1, *out.run_id);
    ASSERT_TRUE(query.step());
    EXPECT_EQ(query.column_int64(0), out.samples) << controller;
    EXPECT_LE(query.column_double(1), budget) << controller;
  }
}

}  // namespace
}  // namespace bitnas

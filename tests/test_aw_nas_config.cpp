// aw_nas configs read through their BitNAS translation: the fixtures in tests/data/aw_nas/
// are written in aw_nas's component layout (a BNN cell search and the XNOR ResNet18 final
// config); every key the translation cannot honour must come back as a warning naming it.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "aw_nas_compat/aw_nas_config.hpp"
#include "aw_nas_compat/translated_config.hpp"
#include "nas/commands.hpp"
#include "tests/support/data_files.hpp"
#include "evaluators/train_request.hpp"
#include "nas/search/search_config.hpp"
#include "search_spaces/cost.hpp"
#include "search_spaces/embedded_configs.hpp"
#include "search_spaces/model_spec.hpp"
#include "search_spaces/network.hpp"
#include "search_spaces/yaml_reader.hpp"
#include "tests/support/error_text.hpp"

namespace bitnas {
namespace {

std::string fixture_path(const std::string& name) {
  return std::string(BITNAS_TEST_DATA_DIR) + "/aw_nas/" + name;
}

AwNasTranslation translate_fixture(const std::string& name) {
  const std::string path = fixture_path(name);
  return translate_aw_nas_config(read_config_file(path), path);
}

ModelSpec model_of(const AwNasTranslation& t) {
  return model_spec_from_document(ConfigSection::load_string(t.yaml, "translated"), "translated");
}

CostTotals costs_of(const ModelSpec& spec, InputSpec input) {
  Rng rng(0);
  Network network(spec.space, spec.genotype, input, rng);
  return measure_costs(network).total;
}

// The dotted keys the warnings name ("file:line: evaluator_cfg.batch: ..." -> "evaluator_cfg.batch").
std::multiset<std::string> warned_keys(const AwNasTranslation& t) {
  std::multiset<std::string> keys;
  for (const std::string& w : t.warnings) {
    const std::size_t start = w.find(": ") + 2, end = w.find(": ", start);
    keys.insert(w.substr(start, end - start));
  }
  return keys;
}

const char* kMinimalFinal = R"(
search_space_type: cnn
search_space_cfg:
  num_layers: 8
  num_init_nodes: 1
  num_steps: 1
  num_node_inputs: 1
  cell_layout: null
  shared_primitives: [xnor_conv_3x3_noskip, skip_connect]
dataset_type: cifar10
final_model_type: cnn_final_model
final_model_cfg:
  genotypes: "normal_0=[('xnor_conv_3x3_noskip', 0, 1)], reduce_1=[('xnor_conv_3x3_noskip', 0, 1)]"
  init_channels: 8
  stem_multiplier: 1
  use_stem: conv_bn_relu_3x3
  cell_use_preprocess: PREPROCESS
)";

std::string minimal_final(const std::string& preprocess) {
  std::string text = kMinimalFinal;
  text.replace(text.find("PREPROCESS"), 10, preprocess);
  return text;
}

TEST(AwNasConfig, TranslatedXnorResnet18HasTheShippedBaselineCosts) {
  const AwNasTranslation t = translate_fixture("xnor_resnet18.yaml");
  const ModelSpec translated = model_of(t);
  const ModelSpec shipped = baseline_spec("xnor_resnet18");
  // Parameters do not depend on the image size; a small image keeps the forward cheap.
  const InputSpec small{3, 8, 8, 10};
  const CostTotals a = costs_of(translated, small), b = costs_of(shipped, small);
  EXPECT_EQ(a.params(), b.params());
  EXPECT_EQ(a.params(), 11'173'066);
  EXPECT_EQ(a.fp_params, b.fp_params);
  EXPECT_EQ(a.binary_params, b.binary_params);
  EXPECT_EQ(a.flops, b.flops);
  EXPECT_EQ(a.bops, b.bops);
  EXPECT_EQ(translated.space.preprocess, Preprocess::identity);  // cell_use_preprocess: false
  EXPECT_EQ(translated.space.binary.conv.weight_scale, WeightScale::channel);
}

TEST(AwNasConfig, XnorResnet18FinalTrainerBecomesTheTrainerSection) {
  const AwNasTranslation t = translate_fixture("xnor_resnet18.yaml");
  const TrainRequest r = make_train_request(t.yaml, "translated.yaml", {});
  EXPECT_EQ(r.trainer.epochs, 200);
  EXPECT_EQ(r.trainer.batch_size, 256);
  EXPECT_EQ(r.trainer.optimizer.kind, OptimizerKind::adam);
  EXPECT_DOUBLE_EQ(r.trainer.schedule.base_lr, 1e-3);
  EXPECT_EQ(r.trainer.schedule.kind, LrScheduleKind::cosine);
  EXPECT_DOUBLE_EQ(r.trainer.grad_clip, 5.0);
  EXPECT_EQ(r.data.dataset, DatasetKind::cifar10);
  // The placeholder primitive list and the data loader workers are the two keys not honoured.
  EXPECT_EQ(warned_keys(t), (std::multiset<std::string>{"search_space_cfg.shared_primitives",
                                                        "final_trainer_cfg.workers_per_queue"}));
}

TEST(AwNasConfig, BnnCellSearchBecomesASearchConfig) {
  const AwNasTranslation t = translate_fixture("bnn_cell_search.yaml");
  const SearchConfig c = parse_search_config(t.yaml, "translated.yaml");
  EXPECT_EQ(c.space.cell_layout, (std::vector<int>{0, 1, 0, 1, 0}));  // aw_nas's default for null
  EXPECT_EQ(c.space.num_init_nodes, 2);
  EXPECT_EQ(c.space.num_steps, 3);
  EXPECT_EQ(c.space.preprocess, Preprocess::darts);
  EXPECT_EQ(c.space.layer_channels, (std::vector<int>{16, 16, 32, 32, 64, 64}));
  // sep_conv_3x3 became bconv_3x3, which xnor_conv_3x3_noskip already is: listed once.
  EXPECT_EQ(c.space.primitives,
            (std::vector<std::string>{"none", "skip_connect", "xnor_conv_3x3",
                                      "xnor_conv_3x3_noskip", "xnor_conv_1x1", "avg_pool_3x3",
                                      "max_pool_3x3"}));
  EXPECT_EQ(c.space.binary.conv.weight_scale, WeightScale::tensor);
  EXPECT_EQ(c.controller.kind, ControllerKind::evolution);
  EXPECT_EQ(c.controller.evolution.population_size, 20);
  EXPECT_EQ(c.controller.evolution.tournament_size, 5);
  EXPECT_EQ(c.schedule.epochs, 20);
  EXPECT_EQ(c.schedule.batch_size, 64);
  EXPECT_EQ(c.schedule.samples_per_step, 4);
  EXPECT_EQ(c.schedule.controller_steps_per_epoch, 5);
  EXPECT_DOUBLE_EQ(c.schedule.controller_fraction, 0.2);
  EXPECT_EQ(c.weights_manager.optimizer.kind, OptimizerKind::adam);
  EXPECT_DOUBLE_EQ(c.weights_manager.schedule.base_lr, 0.002);
  EXPECT_DOUBLE_EQ(c.weights_manager.grad_clip, 5.0);
  EXPECT_EQ(c.data.dataset, DatasetKind::cifar10);
}

TEST(AwNasConfig, EveryKeyNotHonouredIsWarnedAboutByName) {
  const AwNasTranslation t = translate_fixture("bnn_cell_search.yaml");
  EXPECT_EQ(warned_keys(t),
            (std::multiset<std::string>{
                "search_space_cfg.shared_primitives",  // sep_conv_3x3 made binary ...
                "search_space_cfg.shared_primitives",  // ... and then a duplicate
                "dataset_cfg.cutout", "controller_cfg.avoid_repeat",
                "evaluator_cfg.workers_per_queue", "weights_manager_cfg.gpus",
                "weights_manager_cfg.dropout_rate", "weights_manager_cfg.candidate_member_mask",
                "trainer_cfg.derive_samples", "trainer_cfg.test_every"}));
  // The translated file carries them too, as comments.
  for (const std::string& w : t.warnings) EXPECT_TRUE(testing::contains(t.yaml, "# warning: " + w));
}

TEST(AwNasConfig, UnknownKeysAtEveryLevelAreNamed) {
  const std::string text = minimal_final("false") + R"(
  my_final_knob: 3
controller_type: evo
controller_cfg:
  population_size: 10
  my_controller_knob: true
my_top_level_knob: x
)";
  const AwNasTranslation t = translate_aw_nas_config(text, "user.yaml");
  const std::multiset<std::string> keys = warned_keys(t);
  EXPECT_EQ(keys.count("final_model_cfg.my_final_knob"), 1u);
  EXPECT_EQ(keys.count("controller_cfg.my_controller_knob"), 1u);
  EXPECT_EQ(keys.count("my_top_level_knob"), 1u);
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_TRUE(testing::contains(t.warnings.front(), "user.yaml:"));
}

TEST(AwNasConfig, KnownRenames) {
  const ModelSpec off = model_of(translate_aw_nas_config(minimal_final("false"), "a.yaml"));
  EXPECT_EQ(off.space.preprocess, Preprocess::identity);
  EXPECT_EQ(off.space.cell_layout, (std::vector<int>{0, 0, 1, 0, 0, 1, 0, 0}));  // cell_layout: null
  EXPECT_EQ(off.space.primitives, (std::vector<std::string>{"xnor_conv_3x3_noskip", "skip_connect"}));
  // init_channels doubling at each reduce cell, stem_multiplier 1.
  EXPECT_EQ(off.space.layer_channels, (std::vector<int>{8, 8, 8, 16, 16, 16, 32, 32, 32}));
  const ModelSpec on = model_of(translate_aw_nas_config(minimal_final("true"), "a.yaml"));
  EXPECT_EQ(on.space.preprocess, Preprocess::darts);
  // Preprocess adds weights: the silent-default trap the translation exists to avoid.
  EXPECT_GT(costs_of(on, {3, 32, 32, 10}).params(), costs_of(off, {3, 32, 32, 10}).params());
}

TEST(AwNasConfig, StemMultiplierWidensTheStemOnly) {
  std::string text = minimal_final("true");
  text.replace(text.find("stem_multiplier: 1"), 18, "stem_multiplier: 3");
  const ModelSpec spec = model_of(translate_aw_nas_config(text, "a.yaml"));
  EXPECT_EQ(spec.space.layer_channels, (std::vector<int>{24, 8, 8, 16, 16, 16, 32, 32, 32}));
}

TEST(AwNasConfig, ControllerNames) {
  const auto controller_of = [](const std::string& type_and_cfg) {
    const std::string text = minimal_final("false") + type_and_cfg;
    const AwNasTranslation t = translate_aw_nas_config(text, "a.yaml");
    return ConfigSection::load_string(t.yaml, "t").section("controller").get_string("type");
  };
  EXPECT_EQ(controller_of("controller_type: random_sample\n"), "random");
  EXPECT_EQ(controller_of("controller_type: evo\n"), "evolution");
  EXPECT_EQ(controller_of("controller_type: rl\n"), "reinforce");
  EXPECT_EQ(controller_of("controller_type: differentiable\n"), "differentiable");
  const std::string error = testing::error_of(
      [&] { controller_of("controller_type: predictor-based\n"); });
  EXPECT_TRUE(testing::contains(error, "controller_type")) << error;
  EXPECT_TRUE(testing::contains(error, "predictor-based")) << error;
}

TEST(AwNasConfig, OtherSearchSpacesAreRefusedByName) {
  const std::string error = testing::error_of([] {
    translate_aw_nas_config("search_space_type: nasbench-201\nsearch_space_cfg: {}\n", "nb.yaml");
  });
  EXPECT_TRUE(testing::contains(error, "nb.yaml")) << error;
  EXPECT_TRUE(testing::contains(error, "search_space_type")) << error;
}

TEST(AwNasConfig, MalformedValuesAreErrorsNamingFileLineAndKey) {
  const auto error_for = [](const std::string& text) {
    return testing::error_of([&] { translate_aw_nas_config(text, "bad.yaml"); });
  };
  std::string e = error_for("search_space_type: cnn\nsearch_space_cfg: {num_layers: eight}\n");
  EXPECT_TRUE(testing::contains(e, "bad.yaml:2: search_space_cfg.num_layers")) << e;
  e = error_for("search_space_type: cnn\ncontroller_type: rl\ncontroller_cfg: {controller_network_cfg: 5}\n");
  EXPECT_TRUE(testing::contains(e, "bad.yaml:3: controller_cfg.controller_network_cfg")) << e;
  e = error_for("search_space_type: cnn\nfinal_model_cfg: {genotypes: \"normal_0=[('a', 0, 2)\"}\n");
  EXPECT_TRUE(testing::contains(e, "final_model_cfg.genotypes")) << e;
  EXPECT_TRUE(testing::contains(e, "position")) << e;
  // Sizes are bounded before anything is allocated for them.
  e = error_for("search_space_type: cnn\nsearch_space_cfg: {num_layers: 2000000000}\n");
  EXPECT_TRUE(testing::contains(e, "search_space_cfg.num_layers: must be in [1, 256]")) << e;
  e = error_for("search_space_type: cnn\nfinal_model_cfg: {init_channels: 64, stem_multiplier: 2000000000}\n");
  EXPECT_TRUE(testing::contains(e, "final_model_cfg.stem_multiplier")) << e;
  e = error_for("search_space_type: cnn\nfinal_trainer_cfg: {epochs: many}\n");
  EXPECT_TRUE(testing::contains(e, "bad.yaml:2")) << e;
}

TEST(AwNasConfig, DetectionTellsTheFormatsApart) {
  EXPECT_TRUE(looks_like_aw_nas_config(read_config_file(fixture_path("xnor_resnet18.yaml"))));
  EXPECT_TRUE(looks_like_aw_nas_config(read_config_file(fixture_path("bnn_cell_search.yaml"))));
  for (const EmbeddedConfig& c : embedded_configs()) {
    SCOPED_TRACE(c.path);
    EXPECT_FALSE(looks_like_aw_nas_config(c.text));
  }
}

// Runs `bitnas ARGS...` on the real subcommand registrations; the error text or "".
std::string run_command(std::vector<std::string> args) {
  CLI::App app;
  app.require_subcommand(1);
  cli::register_convert_config_command(app);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector in reverse order
  const std::string error = testing::error_of([&] { app.parse(args); });  // parse consumes args
  return error == "no error" ? "" : error;
}

TEST(AwNasConfig, ConvertConfigWritesWhatSearchTrainAndDescribeRead) {
  testing::TempDir dir;
  const std::string out = dir.file("bitnas.yaml");
  EXPECT_EQ(run_command({"convert-config", fixture_path("xnor_resnet18.yaml"), "-o", out, "-q"}), "");
  // The written file is a BitNAS config, read as it is; the commands read the fixture
  // through the same translation.
  const std::string written = read_config_file(out);
  EXPECT_FALSE(looks_like_aw_nas_config(written));
  EXPECT_EQ(written, read_config_translating_aw_nas(fixture_path("xnor_resnet18.yaml")));
  EXPECT_EQ(read_config_translating_aw_nas(out), written);
  // A BitNAS config is not converted again.
  const std::string error = run_command({"convert-config", out});
  EXPECT_TRUE(testing::contains(error, "not an aw_nas config")) << error;
}

}  // namespace
}  // namespace bitnas

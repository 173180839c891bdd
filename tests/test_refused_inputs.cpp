// Inputs that used to be accepted silently and are now refused, each with a message naming
// the file, line and key (or the flag, or the genotype's cell and edge).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "data/fashion_mnist.hpp"
#include "data/idx_reader.hpp"
#include "evaluators/train_request.hpp"
#include "nas/search/search_config.hpp"
#include "search_spaces/model_spec.hpp"
#include "storage/checkpoint.hpp"
#include "tests/support/data_files.hpp"
#include "tests/support/error_text.hpp"

namespace bitnas {
namespace {

using testing::contains;
using testing::error_of;

const std::string kSpace = R"(search_space:
  num_cell_groups: 2
  num_init_nodes: 1
  num_layers: 2
  cell_layout: [0, 1]
  num_steps: 2
  num_node_inputs: 1
  primitives: [bconv_3x3, skip_connect, none]
  layer_channels: [8, 8, 16]
  preprocess: identity
)";
const std::string kGenotype =
    "genotype: \"normal_0=[('bconv_3x3', 0, 1), ('bconv_3x3', 1, 2)], reduce_1=[('bconv_3x3', 0, "
    "1), ('skip_connect', 1, 2)]\"\n";

std::string train_error(const std::string& yaml) {
  return error_of([&] { make_train_request(yaml, "t.yaml", {}); });
}

std::string search_error(const std::string& extra) {
  return error_of([&] { parse_search_config(kSpace + extra, "s.yaml"); });
}

TEST(RefusedInputs, ValidTrainConfigIsAccepted) {
  EXPECT_EQ(train_error(kSpace + kGenotype + "trainer: {epochs: 2}\n"), "no error");
}

TEST(RefusedInputs, DuplicateKey) {
  EXPECT_EQ(train_error(kSpace + kGenotype + "trainer:\n  epochs: 2\n  epochs: 3\n"),
            "t.yaml:14: trainer.epochs: given twice (first at line 13); YAML would silently keep "
            "only one of them");
}

TEST(RefusedInputs, DuplicateSection) {
  EXPECT_EQ(train_error(kSpace + kGenotype + "trainer: {epochs: 2}\ntrainer: {epochs: 3}\n"),
            "t.yaml:13: trainer: given twice (first at line 12); YAML would silently keep only "
            "one of them");
}

// Found by fuzz_yaml_config: a mapping used as a key made yaml-cpp's conversion throw its own
// exception, which named neither the file nor the key.
TEST(RefusedInputs, KeyThatIsNotAName) {
  EXPECT_EQ(error_of([] { ConfigSection::load_string("trainer:\n?  epochs: ~ {}\n", "k.yaml"); }),
            "k.yaml:2: top level: a key must be a plain name, not a list or mapping");
  EXPECT_EQ(error_of([] { ConfigSection::load_string("trainer:\n  ? [a]\n  : 1\n", "k.yaml"); }),
            "k.yaml:2: trainer: a key must be a plain name, not a list or mapping");
  EXPECT_EQ(error_of([] { ConfigSection::load_string("? [a, b]\n: 1\n", "k.yaml"); }),
            "k.yaml:1: top level: a key must be a plain name, not a list or mapping");
}

// Found by fuzz_yaml_config: nested aliases made the key check walk 9^n nodes (a 7-level
// document took 52 s). Each anchored node is now walked once; the checks still see inside it.
TEST(RefusedInputs, AliasesAreCheckedOnce) {
  EXPECT_EQ(error_of([] {
              ConfigSection::load_string("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "a.yaml");
            }),
            "no error");
  EXPECT_EQ(error_of([] {
              ConfigSection::load_string("a: &a {k: 1, k: 2}\nb: *a\n", "a.yaml");
            }),
            "a.yaml:1: a.k: given twice (first at line 1); YAML would silently keep only one of "
            "them");
}

TEST(RefusedInputs, SecondDocument) {
  const std::string message = train_error(kSpace + kGenotype + "---\ntrainer: {epochs: 3}\n");
  EXPECT_TRUE(contains(message, "t.yaml:12: a second YAML document starts here")) << message;
}

// Found by fuzz_yaml_config: yaml-cpp 0.7's LoadAll never returned on this text (it kept
// adding empty documents until memory ran out); it is refused instead.
TEST(RefusedInputs, TextThatYamlCppCannotPlace) {
  const std::string message = error_of([] {
    ConfigSection::load_string(",lr: 1.0}\n:!&d {d", "f.yaml");
  });
  EXPECT_TRUE(contains(message, "f.yaml:")) << message;
  EXPECT_TRUE(contains(message, "a second YAML document starts here")) << message;
}

TEST(RefusedInputs, NanGradClip) {
  EXPECT_EQ(train_error(kSpace + kGenotype + "trainer: {grad_clip: .nan}\n"),
            "t.yaml:12: trainer.grad_clip: expected a finite number, got '.nan'");
  EXPECT_EQ(search_error("weights_manager: {grad_clip: .nan}\n"),
            "s.yaml:11: weights_manager.grad_clip: expected a finite number, got '.nan'");
}

TEST(RefusedInputs, NanTimeBudget) {
  EXPECT_EQ(search_error("search: {time_budget_s: .nan}\n"),
            "s.yaml:11: search.time_budget_s: expected a finite number, got '.nan'");
  EXPECT_EQ(search_error("search: {time_budget_s: .inf}\n"),
            "s.yaml:11: search.time_budget_s: expected a finite number, got '.inf'");
}

TEST(RefusedInputs, KeyWithoutValue) {
  EXPECT_EQ(train_error(kSpace + kGenotype + "trainer:\n  epochs: ~\n"),
            "t.yaml:13: trainer.epochs: has no value; give one, or remove the key to use the "
            "default");
  EXPECT_EQ(train_error(kSpace + kGenotype + "trainer:\n  epochs:\n  batch_size: 4\n"),
            "t.yaml:14: trainer.epochs: has no value; give one, or remove the key to use the "
            "default");
}

TEST(RefusedInputs, MinLrAboveLr) {
  const std::string message = train_error(
      kSpace + kGenotype + "trainer:\n  optimizer: {lr: 0.01}\n  lr_schedule: {min_lr: 0.1}\n");
  EXPECT_TRUE(contains(message, "t.yaml:14: trainer.lr_schedule.min_lr: is above the optimizer's lr"))
      << message;
  const std::string search = search_error(
      "weights_manager:\n  optimizer: {lr: 0.01}\n  lr_schedule: {min_lr: 0.1}\n");
  EXPECT_TRUE(contains(search, "s.yaml:13: weights_manager.lr_schedule.min_lr: is above"))
      << search;
}

TEST(RefusedInputs, UnsortedOrNegativeMilestones) {
  const std::string head = kSpace + kGenotype + "trainer:\n  lr_schedule:\n    type: step\n";
  EXPECT_EQ(train_error(head + "    milestones: [30, 10]\n"),
            "t.yaml:15: trainer.lr_schedule.milestones: must be strictly increasing, but 10 "
            "follows 30");
  EXPECT_EQ(train_error(head + "    milestones: [-5, 10]\n"),
            "t.yaml:15: trainer.lr_schedule.milestones: epoch -5 is not in [1, 10000]");
  EXPECT_EQ(train_error(head + "    milestones: [10, 10]\n"),
            "t.yaml:15: trainer.lr_schedule.milestones: must be strictly increasing, but 10 "
            "follows 10");
}

TEST(RefusedInputs, HugeCropPadding) {
  EXPECT_EQ(train_error(kSpace + kGenotype + "data:\n  augmentation: {crop_padding: 100000}\n"),
            "t.yaml:13: data.augmentation.crop_padding: must be in [0, 16], got 100000");
}

TEST(RefusedInputs, GenotypeAndBaselineTogether) {
  const std::string yaml = kSpace + kGenotype + "baseline: resnete18\n";
  EXPECT_EQ(train_error(yaml),
            "t.yaml:12: baseline: the config also has `genotype`; give either `baseline: NAME` "
            "or `search_space` + `genotype`, not both");
  // describe reads the same document through model_spec_from_document.
  EXPECT_EQ(error_of([&] {
              model_spec_from_document(ConfigSection::load_string(yaml, "t.yaml"), "t");
            }),
            train_error(yaml));
}

TEST(RefusedInputs, AllNoneSpace) {
  std::string space = kSpace;
  space.replace(space.find("[bconv_3x3, skip_connect, none]"), 31, "[none]");
  EXPECT_EQ(error_of([&] { parse_search_config(space, "s.yaml"); }),
            "s.yaml:8: search_space.primitives: 'none' alone makes every cell output zeros; "
            "list at least one other op");
}

TEST(RefusedInputs, AllNoneGenotypeCell) {
  const std::string yaml =
      kSpace +
      "genotype: \"normal_0=[('none', 0, 1), ('none', 1, 2)], reduce_1=[('bconv_3x3', 0, 1), "
      "('skip_connect', 1, 2)]\"\n";
  EXPECT_EQ(train_error(yaml),
            "t.yaml:11: genotype: genotype cell normal_0: every path from the cell inputs to its "
            "output goes through 'none', so the cell outputs only zeros");
}

TEST(RefusedInputs, CellWhoseOutputIsCutOffByNone) {
  // Node 1 carries signal, but the output node 2 only hears node 1 through 'none'.
  const std::string yaml =
      kSpace +
      "genotype: \"normal_0=[('bconv_3x3', 0, 1), ('none', 1, 2)], normal_0_concat=[2], "
      "reduce_1=[('bconv_3x3', 0, 1), ('skip_connect', 1, 2)]\"\n";
  EXPECT_TRUE(contains(train_error(yaml), "cell normal_0: every path")) << train_error(yaml);
}

TEST(RefusedInputs, DuplicateIdenticalEdges) {
  std::string space = kSpace;
  space.replace(space.find("num_node_inputs: 1"), 18, "num_node_inputs: 2");
  const std::string yaml =
      space +
      "genotype: \"normal_0=[('bconv_3x3', 0, 1), ('bconv_3x3', 0, 1), ('skip_connect', 0, 2), "
      "('bconv_3x3', 1, 2)], reduce_1=[('bconv_3x3', 0, 1), ('skip_connect', 0, 1), "
      "('skip_connect', 0, 2), ('skip_connect', 1, 2)]\"\n";
  EXPECT_EQ(train_error(yaml),
            "t.yaml:11: genotype: genotype cell normal_0: edge ('bconv_3x3', 0, 1) is written "
            "twice; a node's inputs must differ in op or source node");
  // The same two inputs with different ops are fine.
  std::string different = yaml;
  different.replace(different.find("('bconv_3x3', 0, 1), ('bconv_3x3', 0, 1)"), 40,
                    "('bconv_3x3', 0, 1), ('skip_connect', 0, 1)");
  EXPECT_EQ(train_error(different), "no error");
}

TEST(RefusedInputs, DuplicateEdgesInAGenotypeString) {
  const SearchSpaceConfig space = default_search_space();
  const std::string message = error_of([&] {
    model_spec_from_genotype(
        "normal_0=[('skip_connect', 0, 2), ('skip_connect', 0, 2), ('bconv_3x3', 0, 3), "
        "('bconv_3x3', 1, 3), ('bconv_3x3', 0, 4), ('bconv_3x3', 1, 4), ('bconv_3x3', 0, 5), "
        "('bconv_3x3', 1, 5)], reduce_1=[('bconv_3x3', 0, 2), ('bconv_3x3', 1, 2), "
        "('bconv_3x3', 0, 3), ('bconv_3x3', 1, 3), ('bconv_3x3', 0, 4), ('bconv_3x3', 1, 4), "
        "('bconv_3x3', 0, 5), ('bconv_3x3', 1, 5)]",
        space);
  });
  EXPECT_TRUE(contains(message, "cell normal_0: edge ('skip_connect', 0, 2) is written twice"))
      << message;
}

TEST(RefusedInputs, NanWeightsInACheckpoint) {
  testing::TempDir dir;
  const std::string path = dir.file("nan.bnck");
  Checkpoint cp;
  Tensor w({2, 2});
  w.values()[3] = std::nanf("");
  cp.tensors["cells.0.weight"] = w;
  save_checkpoint(path, cp);
  EXPECT_EQ(error_of([&] { load_checkpoint(path); }),
            "checkpoint '" + path + "': corrupt: section 'tensors': tensor 'cells.0.weight' holds "
            "NaN at index 3; the run that wrote it diverged");
  cp.tensors["cells.0.weight"].values()[3] = INFINITY;
  save_checkpoint(path, cp);
  EXPECT_TRUE(contains(error_of([&] { load_checkpoint(path); }), "holds an infinity at index 3"));
  cp.tensors["cells.0.weight"].values()[3] = 1.0f;
  save_checkpoint(path, cp);
  EXPECT_EQ(error_of([&] { load_checkpoint(path); }), "no error");
}

TEST(RefusedInputs, EmptyTestSet) {
  testing::TempDir dir;
  testing::write_gzip(dir.file("t10k-images-idx3-ubyte.gz"), testing::idx_images(0, 28, 28, {}));
  testing::write_gzip(dir.file("t10k-labels-idx1-ubyte.gz"), testing::idx_labels({}));
  EXPECT_EQ(testing::data_error_of([&] { load_fashion_mnist(dir.path(), Split::test); }),
            dir.file("t10k-images-idx3-ubyte.gz") +
                ": holds no images; an empty test set would give meaningless results");
}

TEST(RefusedInputs, FashionMnistOfAnotherImageSize) {
  testing::TempDir dir;
  testing::write_gzip(dir.file("train-images-idx3-ubyte.gz"),
                      testing::idx_images(2, 8, 8, testing::random_bytes(128, 1)));
  testing::write_gzip(dir.file("train-labels-idx1-ubyte.gz"), testing::idx_labels({0, 1}));
  EXPECT_EQ(testing::data_error_of([&] { load_fashion_mnist(dir.path(), Split::train); }),
            dir.file("train-images-idx3-ubyte.gz") +
                ": images are 8x8, but Fashion-MNIST images are 28x28; for IDX files of another "
                "data set use dataset: idx");
  // The same files as dataset `idx` are read.
  EXPECT_EQ(load_idx_directory(dir.path(), Split::train).height, 8);
}

}  // namespace
}  // namespace bitnas

// `bitnas gen-sample-config`: the sample of every kind and controller loads back through the
// real readers into exactly the settings of a config that gives only the required keys, and
// the comment table holds exactly the keys the readers ask for.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "aw_nas_compat/aw_nas_config.hpp"
#include "aw_nas_compat/aw_nas_section.hpp"
#include "evaluators/train_request.hpp"
#include "nas/config_key_docs.hpp"
#include "nas/sample_config.hpp"
#include "nas/search/search_config.hpp"
#include "tests/support/error_text.hpp"

namespace bitnas {
namespace {

using cli::SampleConfigKind;
using testing::contains;
using testing::error_of;

const char* const kControllers[] = {"random", "evolution", "reinforce", "differentiable"};

TEST(SampleConfig, SearchSampleLoadsToTheDefaultsForEveryController) {
  for (const char* controller : kControllers) {
    SCOPED_TRACE(controller);
    const SearchConfig sample = parse_search_config(
        cli::sample_config_yaml(SampleConfigKind::search, controller), "sample.yaml");
    const SearchConfig minimal = parse_search_config(
        cli::minimal_config_yaml(SampleConfigKind::search, controller), "sample.yaml");
    EXPECT_EQ(to_string(sample.controller.kind), std::string(controller));
    EXPECT_TRUE(sample.space == minimal.space);
    EXPECT_TRUE(sample.data == minimal.data);
    EXPECT_TRUE(sample.schedule == minimal.schedule);
    EXPECT_TRUE(sample.controller == minimal.controller);
    EXPECT_TRUE(sample.evaluator == minimal.evaluator);
    EXPECT_TRUE(sample.objective == minimal.objective);
    EXPECT_TRUE(sample.weights_manager == minimal.weights_manager);
  }
}

TEST(SampleConfig, TrainSampleLoadsToTheDefaults) {
  const TrainRequest sample = make_train_request(
      cli::sample_config_yaml(SampleConfigKind::train, "random"), "sample.yaml", {});
  const TrainRequest minimal = make_train_request(
      cli::minimal_config_yaml(SampleConfigKind::train, "random"), "sample.yaml", {});
  EXPECT_TRUE(sample.model.space == minimal.model.space);
  EXPECT_EQ(sample.model.genotype, minimal.model.genotype);
  EXPECT_TRUE(sample.data == minimal.data);
  EXPECT_TRUE(sample.trainer == minimal.trainer);
}

TEST(SampleConfig, EveryKeyIsWrittenWithItsDefaultAndComment) {
  const std::string search = cli::sample_config_yaml(SampleConfigKind::search, "evolution");
  EXPECT_TRUE(contains(search, "\n  population_size: 100 ")) << search;
  EXPECT_TRUE(contains(search, "\n    bn_eps: 1e-05 ")) << search;
  EXPECT_TRUE(contains(search, "\n  supernet_sampling: uniform ")) << search;
  EXPECT_TRUE(contains(search, "(uniform | fair | controller)")) << search;
  EXPECT_FALSE(contains(search, "hidden_size")) << "a reinforce key in an evolution sample";
  // Every non-section line carries a comment.
  std::istringstream lines(search);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() != ':') {
      EXPECT_TRUE(contains(line, "# ")) << line;
    }
  }
}

TEST(SampleConfig, TheCommentTableHoldsExactlyTheKeysTheReadersAskFor) {
  std::set<std::string> shown;
  auto collect = [&](const std::string& text) {
    // Rebuild dotted paths from the indentation of "key:" lines.
    std::vector<std::string> stack;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      const std::size_t indent = line.find_first_not_of(' ');
      if (indent == std::string::npos || (line[indent] == '#' && indent == 0)) continue;
      std::string rest = line.substr(indent);
      if (rest.rfind("# ", 0) == 0) rest = rest.substr(2);  // an unset optional key
      const std::string key = rest.substr(0, rest.find(':'));
      stack.resize(indent / 2);
      std::string path;
      for (const auto& s : stack) path += s + ".";
      if (rest.back() == ':' ) stack.push_back(key);
      else shown.insert(path + key);
    }
  };
  for (const char* controller : kControllers)
    collect(cli::sample_config_yaml(SampleConfigKind::search, controller));
  collect(cli::sample_config_yaml(SampleConfigKind::train, "random"));
  std::set<std::string> documented;
  for (const auto& [path, comment] : cli::config_key_docs()) documented.insert(path);
  EXPECT_EQ(shown, documented);
}

// The aw_nas sample translates without a warning into a config the real readers load, with
// the controller asked for; every aw_nas key the translation reads is in it (set, or commented
// out), and every key it does not honour is commented out with the reason.
TEST(SampleConfig, AwNasSampleTranslatesCleanlyAndListsEveryKeyTheTranslatorReads) {
  const auto check = [](SampleConfigKind kind, const char* controller) -> std::string {
    const std::string text = cli::aw_nas_sample_config_yaml(kind, controller);
    EXPECT_TRUE(looks_like_aw_nas_config(text)) << text;
    AwNasTranslation translation;
    std::vector<AwNasKeyUse> uses;
    {
      AwNasKeyRecording recording;
      translation = translate_aw_nas_config(text, "sample.yaml");
      uses = recording.uses();
    }
    EXPECT_TRUE(translation.warnings.empty()) << translation.warnings.front();
    for (const AwNasKeyUse& use : uses) {
      const std::string key = use.path.substr(use.path.rfind('.') + 1);
      if (use.path.find('.') != use.path.rfind('.')) continue;  // inside a nested mapping
      // Sections of the other kind of config (a train config has no controller_cfg).
      const std::string section = use.path.substr(0, use.path.find('.'));
      if (!contains(text, "\n" + section + ":")) continue;
      if (!use.ignored.empty()) {
        EXPECT_TRUE(contains(text, "# " + key + ":")) << use.path;
        EXPECT_TRUE(contains(text, "not honoured: " + use.ignored)) << use.path;
      } else if (use.path.find('.') != std::string::npos) {
        EXPECT_TRUE(contains(text, "\n  " + key + ":") || contains(text, "\n  # " + key + ":"))
            << use.path;
      }
    }
    return translation.yaml;
  };
  for (const char* controller : kControllers) {
    SCOPED_TRACE(controller);
    const std::string yaml = check(SampleConfigKind::search, controller);
    const SearchConfig config = parse_search_config(yaml, "translated.yaml");
    EXPECT_EQ(to_string(config.controller.kind), std::string(controller));
  }
  const std::string train = check(SampleConfigKind::train, "random");
  const TrainRequest request = make_train_request(train, "translated.yaml", {});
  EXPECT_EQ(request.model.space.layer_channels,
            (std::vector<int>{16, 16, 16, 32, 32, 64, 64, 128, 128}));
  const std::string sample = cli::aw_nas_sample_config_yaml(SampleConfigKind::train, "random");
  EXPECT_TRUE(contains(sample, "learning_rate: 0.001") && contains(sample, "-> trainer.optimizer.lr"))
      << sample;
}

TEST(SampleConfig, AnUnknownControllerIsTheReadersError) {
  const std::string message =
      error_of([] { cli::sample_config_yaml(SampleConfigKind::search, "bayesian"); });
  EXPECT_TRUE(contains(message, "controller.type")) << message;
  EXPECT_TRUE(contains(message, "evolution")) << message;
}

}  // namespace
}  // namespace bitnas

// Every YAML file in configs/ (compiled in) parses, and its model builds: a typo in a shipped
// config fails here, not in a user's first run.
#include <gtest/gtest.h>

#include "evaluators/train_request.hpp"
#include "nas/search/search_config.hpp"
#include "search_spaces/embedded_configs.hpp"
#include "search_spaces/model_spec.hpp"
#include "search_spaces/supernet.hpp"

namespace bitnas {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

TEST(ShippedConfigs, EveryConfigParses) {
  int searches = 0, trainings = 0;
  for (const EmbeddedConfig& c : embedded_configs()) {
    SCOPED_TRACE(c.path);
    if (starts_with(c.path, "configs/search/") || c.path == "configs/quickstart.yaml") {
      const SearchConfig config = parse_search_config(c.text, c.path);
      // The supernet of the space builds for Fashion-MNIST-sized inputs.
      Rng rng(1);
      EXPECT_NO_THROW(Supernet(config.space, InputSpec{1, 28, 28, 10}, rng));
      ++searches;
    }
    if (starts_with(c.path, "configs/train/")) {
      const TrainRequest r = make_train_request(c.text, c.path, {});
      EXPECT_GE(r.trainer.epochs, 1);
      ++trainings;
    }
  }
  EXPECT_GE(searches, 11);
  EXPECT_GE(trainings, 4);
}

TEST(ShippedConfigs, QuickstartRetrainsWithAGenotype) {
  for (const EmbeddedConfig& c : embedded_configs()) {
    if (c.path != "configs/quickstart.yaml") continue;
    TrainOverrides o;
    o.genotype =
        "normal_0=[('bconv_3x3', 0, 2), ('skip_connect', 1, 2), ('bconv_5x5', 0, 3), "
        "('max_pool_3x3', 2, 3), ('none', 1, 4), ('bconv_1x1', 3, 4)], "
        "reduce_1=[('bconv_3x3', 0, 2), ('avg_pool_3x3', 1, 2), ('skip_connect', 0, 3), "
        "('dil_bconv_3x3', 2, 3), ('bconv_3x3', 3, 4), ('none', 1, 4)]";
    const TrainRequest r = make_train_request(c.text, c.path, o);
    EXPECT_EQ(r.model.space.num_layers, 5);
    return;
  }
  FAIL() << "configs/quickstart.yaml is not compiled in";
}

}  // namespace
}  // namespace bitnas

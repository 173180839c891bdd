#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "controllers/random_controller.hpp"
#include "search_spaces/genotype_canonical.hpp"
#include "test_controllers_util.hpp"

namespace bitnas {
namespace {

using testing::controller_test_space;

TEST(RandomController, NeverSamplesACanonicalGenotypeTwice) {
  // 2 groups x 2 nodes, 2 ops: a few thousand decision vectors, far fewer distinct cells, so
  // plain random draws would repeat often.
  const SearchSpaceConfig space = controller_test_space(2, "[bconv_3x3, skip_connect]");
  RandomController controller(space, 3);
  std::set<std::string> hashes;
  int total = 0;
  for (int round = 0; round < 10; ++round)
    for (const Genotype& g : controller.sample(20)) {
      ++total;
      EXPECT_TRUE(hashes.insert(genotype_hash(g, space.num_init_nodes)).second)
          << "sample " << total << " repeats an earlier genotype";
    }
  EXPECT_EQ(total, 200);
  EXPECT_EQ(controller.num_sampled(), 200);
}

TEST(RandomController, ReturnsFewerOnceTheSpaceIsExhausted) {
  // One node with inputs {0, 1} and 2 ops per edge: 4 distinct cells per group, 16 genotypes.
  const SearchSpaceConfig space = controller_test_space(1, "[bconv_3x3, skip_connect]");
  RandomController controller(space, 5);
  std::set<std::string> hashes;
  for (const Genotype& g : controller.sample(10)) hashes.insert(genotype_hash(g, 2));
  const std::vector<Genotype> rest = controller.sample(10);
  EXPECT_EQ(rest.size(), 6u);
  for (const Genotype& g : rest) hashes.insert(genotype_hash(g, 2));
  EXPECT_EQ(hashes.size(), 16u);
  EXPECT_TRUE(controller.sample(3).empty());
}

TEST(RandomController, BestRanksRecordedRewards) {
  const SearchSpaceConfig space = controller_test_space(3, "[bconv_3x3, skip_connect, none]");
  RandomController controller(space, 1);
  const std::vector<Genotype> g = controller.sample(4);
  controller.step(g, {0.2, 0.9, 0.5, 0.9});
  const std::vector<Genotype> best = controller.best(3);
  ASSERT_EQ(best.size(), 3u);
  EXPECT_EQ(best[0], g[1]);  // equal rewards keep arrival order
  EXPECT_EQ(best[1], g[3]);
  EXPECT_EQ(best[2], g[2]);
  EXPECT_EQ(controller.best(10).size(), 4u);
}

TEST(RandomController, StepRejectsMismatchedOrForeignInput) {
  const SearchSpaceConfig space = controller_test_space(3, "[bconv_3x3, skip_connect]");
  RandomController controller(space, 1);
  const std::vector<Genotype> g = controller.sample(2);
  EXPECT_THROW(controller.step(g, {1.0}), std::invalid_argument);
  EXPECT_THROW(controller.step(g, {1.0, NAN}), std::invalid_argument);
  const SearchSpaceConfig other = controller_test_space(2, "[bconv_3x3, skip_connect]");
  RandomController small(other, 1);
  EXPECT_THROW(controller.step(small.sample(1), {1.0}), std::invalid_argument);
}

}  // namespace
}  // namespace bitnas

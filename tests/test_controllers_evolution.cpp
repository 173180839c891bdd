#include <gtest/gtest.h>

#include <iostream>

#include "controllers/evolution_controller.hpp"
#include "controllers/random_controller.hpp"
#include "test_controllers_util.hpp"

namespace bitnas {
namespace {

using testing::controller_test_space;
using testing::mean;
using testing::rewards_of;

const char* kOps = "[bconv_3x3, bconv_5x5, skip_connect, avg_pool_3x3, none]";

TEST(EvolutionController, AgesOutTheOldestWhateverItsReward) {
  const SearchSpaceConfig space = controller_test_space(3, kOps);
  EvolutionController controller(space, {4, 2}, 1);
  std::vector<Genotype> all;
  for (int i = 0; i < 6; ++i) {
    const std::vector<Genotype> g = controller.sample(1);
    all.push_back(g[0]);
    controller.step(g, {i == 0 ? 100.0 : 0.1 * i});  // the first is by far the best
  }
  ASSERT_EQ(controller.population().size(), 4u);
  EXPECT_EQ(controller.population().front().genotype, all[2]);
  EXPECT_EQ(controller.population().back().genotype, all[5]);
  // best() answers from the whole history, not the living population.
  EXPECT_EQ(controller.best(1).front(), all[0]);
}

TEST(EvolutionController, ChildrenAreOneMutationFromAPopulationMember) {
  const SearchSpaceConfig space = controller_test_space(3, kOps);
  const GenotypeSpace decisions(space);
  EvolutionController controller(space, {5, 3}, 2);
  for (int i = 0; i < 5; ++i) {
    const std::vector<Genotype> g = controller.sample(1);
    controller.step(g, {static_cast<double>(i)});
  }
  for (int round = 0; round < 20; ++round) {
    const Genotype child = controller.sample(1).front();
    const std::vector<int> c = decisions.encode(child);
    bool one_step = false;
    for (const ScoredGenotype& member : controller.population()) {
      const std::vector<int> m = decisions.encode(member.genotype);
      int differing = 0;
      for (std::size_t d = 0; d < c.size(); ++d) differing += c[d] != m[d];
      one_step |= differing == 1;
    }
    EXPECT_TRUE(one_step) << "round " << round;
    controller.step({child}, {0.0});
  }
}

TEST(EvolutionController, ImprovesOnASyntheticReward) {
  const SearchSpaceConfig space = controller_test_space(4, kOps);
  const int budget = 600;
  EvolutionController evolution(space, {20, 5}, 11);
  for (int i = 0; i < budget; ++i) {
    const std::vector<Genotype> g = evolution.sample(1);
    evolution.step(g, rewards_of(g, "bconv_5x5"));
  }
  std::vector<double> population;
  for (const ScoredGenotype& s : evolution.population()) population.push_back(s.reward);

  RandomController random(space, 11);
  const double random_mean = mean(rewards_of(random.sample(budget), "bconv_5x5"));
  const double evolved_mean = mean(population);
  std::cout << "[ evolution ] population mean reward " << evolved_mean << " vs random "
            << random_mean << " after " << budget << " evaluations\n";
  EXPECT_GT(evolved_mean, random_mean + 0.4);
}

TEST(EvolutionController, RejectsATournamentLargerThanThePopulation) {
  const SearchSpaceConfig space = controller_test_space(2, kOps);
  EXPECT_THROW(EvolutionController(space, {5, 6}, 1), std::invalid_argument);
  EXPECT_THROW(EvolutionController(space, {0, 0}, 1), std::invalid_argument);
}

}  // namespace
}  // namespace bitnas

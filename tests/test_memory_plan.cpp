// What stays allocated between steps (counted by the aligned allocator, so these tests fail on
// a leak of kept state, not on a timing): a layer frees what it saved for backward when
// backward has used it; a train_no_grad forward keeps nothing and computes exactly what a
// train forward computes; and a supernet that trains some paths and evaluates others holds
// no batch-sized tensor afterwards, whatever the batch size. And the cache of freed large
// blocks lets a block stand in for a smaller request (up to half its size), so that RSS follows
// the peak of live tensors rather than the sum of every size's own peak.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ops/core/aligned_allocator.hpp"
#include "ops/layers/batch_norm.hpp"
#include "ops/layers/binary_conv2d.hpp"
#include "ops/layers/conv2d.hpp"
#include "ops/layers/max_pool2d.hpp"
#include "ops/layers/relu.hpp"
#include "search_spaces/genotype_space.hpp"
#include "tests/test_supernet_util.hpp"

namespace bitnas {
namespace {

struct LayerCase {
  std::string name;
  std::function<std::unique_ptr<Module>(Rng&)> make;
};

std::vector<LayerCase> stateful_layers() {
  BinaryConv2dOptions xnor;
  xnor.weight_scale = WeightScale::channel;
  xnor.scale_gradient = ScaleGradient::flow;
  xnor.activation_scale = ActivationScale::xnor_k;
  return {
      {"ReLU", [](Rng&) { return std::make_unique<ReLU>(); }},
      {"BatchNorm", [](Rng&) { return std::make_unique<BatchNorm>(6); }},
      {"Conv2d", [](Rng& rng) { return std::make_unique<Conv2d>(6, 5, 3, rng, Conv2dOptions{.padding = 1}); }},
      {"MaxPool2d", [](Rng&) { return std::make_unique<MaxPool2d>(PoolWindow{.kernel = 3, .stride = 2, .padding = 1}); }},
      {"BinaryConv2d", [](Rng& rng) { return std::make_unique<BinaryConv2d>(6, 5, BinaryConv2dOptions{}, rng); }},
      {"BinaryConv2d xnor-k, scale gradient",
       [xnor](Rng& rng) { return std::make_unique<BinaryConv2d>(6, 5, xnor, rng); }},
  };
}

TEST(MemoryPlan, LayersFreeWhatTheySavedOnceBackwardHasUsedIt) {
  for (const LayerCase& c : stateful_layers()) {
    SCOPED_TRACE(c.name);
    Rng rng(3);
    std::unique_ptr<Module> layer = c.make(rng);
    const Tensor x = testing::random_tensor({4, 7, 9, 6}, 11);
    layer->forward(x, Mode::eval);  // builds what is cached per weight version (packed bits)
    const std::int64_t before = live_aligned_bytes();
    {
      const Tensor y = layer->forward(x, Mode::train);
      EXPECT_GT(live_aligned_bytes(), before + y.numel() * 4) << "nothing saved for backward?";
      const Tensor dx = layer->backward(testing::random_tensor(y.shape(), 12));
      EXPECT_TRUE(dx.same_shape(x));
    }
    EXPECT_EQ(live_aligned_bytes(), before);
    EXPECT_THROW(layer->backward(testing::random_tensor(layer->forward(x, Mode::eval).shape(), 12)),
                 std::logic_error);
  }
}

TEST(MemoryPlan, TrainNoGradForwardIsTheTrainForwardKeepingNothing) {
  for (const LayerCase& c : stateful_layers()) {
    SCOPED_TRACE(c.name);
    Rng rng_a(5), rng_b(5);
    std::unique_ptr<Module> a = c.make(rng_a), b = c.make(rng_b);
    const Tensor x = testing::random_tensor({4, 7, 9, 6}, 13);
    a->forward(x, Mode::eval);
    b->forward(x, Mode::eval);
    const std::int64_t before = live_aligned_bytes();
    const Tensor y_train = a->forward(x, Mode::train);
    const std::int64_t with_train_state = live_aligned_bytes();
    const Tensor y = b->forward(x, Mode::train_no_grad);
    EXPECT_EQ(live_aligned_bytes() - with_train_state, y.numel() * 4) << "kept more than y";
    EXPECT_GT(with_train_state - before, y_train.numel() * 4);
    EXPECT_TRUE(testing::bit_identical(y, y_train));
    const std::vector<NamedBuffer> buffers_a = a->buffers(), buffers_b = b->buffers();
    ASSERT_EQ(buffers_a.size(), buffers_b.size());
    for (std::size_t k = 0; k < buffers_a.size(); ++k)
      EXPECT_TRUE(testing::bit_identical(*buffers_a[k].tensor, *buffers_b[k].tensor)) << buffers_a[k].name;
    EXPECT_THROW(b->backward(y), std::logic_error);
  }
}

// Trains four random paths of a supernet (forward + backward) and evaluates four others as
// the shared-weights evaluator does with BN in train mode; returns the bytes still allocated
// afterwards beyond what the supernet held when built.
std::int64_t bytes_kept_by_search_steps(int batch) {
  const Tensor images = testing::random_images(testing::kTinyInput, batch, 23);
  const std::int64_t start = live_aligned_bytes();
  std::int64_t built = 0;
  std::int64_t kept = 0;
  {
    const SearchSpaceConfig space = testing::space_from_yaml(testing::kConcatSpace);
    Rng rng(21);
    Supernet supernet(space, testing::kTinyInput, rng);
    built = live_aligned_bytes() - start;
    const GenotypeSpace genotypes(space);
    Rng sampler(22);
    for (int step = 0; step < 4; ++step) {
      supernet.set_genotype(genotypes.random(sampler));
      const Tensor logits = supernet.forward(images, Mode::train);
      supernet.backward(testing::random_tensor(logits.shape(), 24 + step));
      supernet.set_genotype(genotypes.random(sampler));
      supernet.forward(images, Mode::train_no_grad);
    }
    kept = live_aligned_bytes() - start;
  }
  EXPECT_EQ(live_aligned_bytes(), start) << "the supernet's own storage was not freed with it";
  EXPECT_GT(kept, built) << "no packed weights cached?";
  return kept;
}

TEST(MemoryPlan, SupernetKeepsNoBatchSizedTensorBetweenSteps) {
  // Packed weights and parameters do not depend on the batch; anything kept from a forward
  // does, so the two totals differ as soon as one activation outlives its step.
  EXPECT_EQ(bytes_kept_by_search_steps(6), bytes_kept_by_search_steps(40));
}

TEST(MemoryPlan, AFreedLargeBlockServesASmallerRequestOfAtLeastHalfItsSize) {
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  release_cached_aligned_blocks();
  const std::int64_t live_before = live_aligned_bytes();
  std::byte* big = static_cast<std::byte*>(aligned_allocate(3 * kMiB));
  big[3 * kMiB - 1] = std::byte{1};  // the whole capacity is usable
  aligned_deallocate(big, 3 * kMiB);
  EXPECT_EQ(cached_aligned_bytes(), static_cast<std::int64_t>(3 * kMiB));

  // Less than half of it: a fresh block, the big one stays cached.
  void* small = aligned_allocate(kMiB);
  EXPECT_NE(small, static_cast<void*>(big));
  EXPECT_EQ(cached_aligned_bytes(), static_cast<std::int64_t>(3 * kMiB));
  // At least half: the cached block, counted live at the requested size only.
  void* reused = aligned_allocate(2 * kMiB);
  EXPECT_EQ(reused, static_cast<void*>(big));
  EXPECT_EQ(cached_aligned_bytes(), 0);
  EXPECT_EQ(live_aligned_bytes() - live_before, static_cast<std::int64_t>(3 * kMiB));
  // Freed again, it returns to the cache at its own capacity, not the request's.
  aligned_deallocate(reused, 2 * kMiB);
  aligned_deallocate(small, kMiB);
  EXPECT_EQ(cached_aligned_bytes(), static_cast<std::int64_t>(4 * kMiB));
  EXPECT_EQ(live_aligned_bytes(), live_before);
  release_cached_aligned_blocks();
  EXPECT_EQ(cached_aligned_bytes(), 0);
}

}  // namespace
}  // namespace bitnas

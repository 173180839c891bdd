#include "ops/core/aligned_allocator.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace bitnas {

namespace {

std::atomic<std::int64_t> live_bytes{0};
std::atomic<std::int64_t> peak_bytes{0};
std::atomic<std::int64_t> peak_bytes_ever{0};  // not reset by reset_peak_aligned_bytes()
constexpr std::align_val_t kAlignment{64};

void count(std::int64_t bytes) noexcept {
  const std::int64_t now = live_bytes.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  std::int64_t peak = peak_bytes.load(std::memory_order_relaxed);
  while (now > peak && !peak_bytes.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
  std::int64_t ever = peak_bytes_ever.load(std::memory_order_relaxed);
  while (now > ever && !peak_bytes_ever.compare_exchange_weak(ever, now, std::memory_order_relaxed)) {
  }
}

// Large blocks are kept when freed and handed out again. A training step allocates the same
// tensor sizes step after step; without the cache every large tensor is a fresh mmap whose
// pages fault in (and are zeroed by the kernel) on first touch, which cost a fifth of a
// training step. A request takes the smallest cached block of at least its size and at most
// twice it: with exact sizes only, blocks of sizes that are needed at different moments of a
// step (the activations of one layer, the im2col chunks of another) could not stand in for
// each other, and the cache held half as much again as the step's peak of live tensors.
// Small blocks are left to malloc, which recycles them well.
class BlockCache {
 public:
  static constexpr std::size_t kMinBytes = std::size_t{256} << 10;
  // The cache holds at most twice the highest live total seen (256 MiB at least): enough
  // for the blocks of a step of any batch size to stay cached (a fixed cap of 1 GiB made every
  // step at batch 256 fault in fresh pages for its activations, a third of the step), and a
  // bound that follows the process's own needs. In practice it settles near the step's peak
  // minus what stays live.
  static constexpr std::size_t kMinCacheLimit = std::size_t{256} << 20;
  static constexpr std::size_t kGranule = 4096;

  static std::size_t rounded(std::size_t bytes) { return (bytes + kGranule - 1) / kGranule * kGranule; }

  // A block of at least `bytes` (rounded up), from the cache or the system.
  void* allocate(std::size_t bytes) {
    const std::size_t size = rounded(bytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.lower_bound(size);
      if (it != free_.end() && it->first <= 2 * size) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_ -= it->first;
        capacity_[p] = it->first;
        if (it->second.empty()) free_.erase(it);
        return p;
      }
    }
    void* p = ::operator new(size, kAlignment);
    try {
      std::lock_guard<std::mutex> lock(mutex_);
      capacity_[p] = size;
    } catch (...) {
      ::operator delete(p, kAlignment);
      throw;
    }
    return p;
  }

  // Keeps the block, or frees it when the cache is full.
  void deallocate(void* p) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = capacity_.find(p);
    const std::size_t size = it->second;
    capacity_.erase(it);
    const auto limit = std::max(kMinCacheLimit, static_cast<std::size_t>(std::max<std::int64_t>(
                                                    0, 2 * peak_bytes_ever.load(std::memory_order_relaxed))));
    if (cached_ + size <= limit) {
      try {
        free_[size].push_back(p);
        cached_ += size;
        return;
      } catch (const std::bad_alloc&) {  // the free list could not grow: just free the block
      }
    }
    ::operator delete(p, kAlignment);
  }

  std::size_t cached() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cached_;
  }

  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [size, blocks] : free_)
      for (void* p : blocks) ::operator delete(p, kAlignment);
    free_.clear();
    cached_ = 0;
  }

 private:
  std::mutex mutex_;
  std::map<std::size_t, std::vector<void*>> free_;  // by capacity, for the best fit
  std::unordered_map<void*, std::size_t> capacity_;   // of every large block handed out
  std::size_t cached_ = 0;
};

BlockCache& block_cache() {
  static BlockCache* cache = new BlockCache;  // never destroyed: blocks may be freed at exit
  return *cache;
}

}  // namespace

std::int64_t live_aligned_bytes() { return live_bytes.load(std::memory_order_relaxed); }

std::int64_t peak_aligned_bytes() { return peak_bytes.load(std::memory_order_relaxed); }

void reset_peak_aligned_bytes() { peak_bytes.store(live_aligned_bytes(), std::memory_order_relaxed); }

std::int64_t cached_aligned_bytes() { return static_cast<std::int64_t>(block_cache().cached()); }

void release_cached_aligned_blocks() { block_cache().release(); }

void* aligned_allocate(std::size_t bytes) {
  void* p = bytes >= BlockCache::kMinBytes ? block_cache().allocate(bytes)
                                           : ::operator new(bytes, kAlignment);
  count(static_cast<std::int64_t>(bytes));
  return p;
}

void aligned_deallocate(void* p, std::size_t bytes) noexcept {
  if (!p) return;
  count(-static_cast<std::int64_t>(bytes));
  if (bytes >= BlockCache::kMinBytes)
    block_cache().deallocate(p);
  else
    ::operator delete(p, kAlignment);
}

}  // namespace bitnas

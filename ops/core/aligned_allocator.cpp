#include "ops/core/aligned_allocator.hpp"

#include <atomic>
#include <new>

namespace bitnas {

namespace {

std::atomic<std::int64_t> live_bytes{0};
std::atomic<std::int64_t> peak_bytes{0};
constexpr std::align_val_t kAlignment{64};

void count(std::int64_t bytes) noexcept {
  const std::int64_t now = live_bytes.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  std::int64_t peak = peak_bytes.load(std::memory_order_relaxed);
  while (now > peak && !peak_bytes.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

}  // namespace

std::int64_t live_aligned_bytes() { return live_bytes.load(std::memory_order_relaxed); }

std::int64_t peak_aligned_bytes() { return peak_bytes.load(std::memory_order_relaxed); }

void reset_peak_aligned_bytes() { peak_bytes.store(live_aligned_bytes(), std::memory_order_relaxed); }

void* aligned_allocate(std::size_t bytes) {
  void* p = ::operator new(bytes, kAlignment);
  count(static_cast<std::int64_t>(bytes));
  return p;
}

void aligned_deallocate(void* p, std::size_t bytes) noexcept {
  if (!p) return;
  count(-static_cast<std::int64_t>(bytes));
  ::operator delete(p, kAlignment);
}

}  // namespace bitnas

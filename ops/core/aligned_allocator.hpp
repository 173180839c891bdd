#pragma once
// 64-byte aligned storage for tensors and packed bits, so AVX-512 loads of whole rows never
// split cache lines. Every allocation is counted, so memory tests can check what a step keeps
// alive (live_aligned_bytes) and how high it went (peak_aligned_bytes) without timing anything.
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace bitnas {

// Bytes held by AlignedAllocator storage right now, process-wide.
std::int64_t live_aligned_bytes();
// Highest live_aligned_bytes() since the last reset_peak_aligned_bytes() (or program start).
std::int64_t peak_aligned_bytes();
void reset_peak_aligned_bytes();

namespace detail {
void count_aligned_allocation(std::int64_t bytes) noexcept;
}  // namespace detail

template <typename T>
struct AlignedAllocator {
  using value_type = T;
  static constexpr std::align_val_t alignment{64};
  AlignedAllocator() noexcept = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    T* p = static_cast<T*>(::operator new(n * sizeof(T), alignment));
    detail::count_aligned_allocation(static_cast<std::int64_t>(n * sizeof(T)));
    return p;
  }
  void deallocate(T* p, std::size_t n) noexcept {
    detail::count_aligned_allocation(-static_cast<std::int64_t>(n * sizeof(T)));
    ::operator delete(p, alignment);
  }
  template <typename U>
  bool operator==(const AlignedAllocator<U>&) const noexcept { return true; }
};

template <typename T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

}  // namespace bitnas

#pragma once
// 64-byte aligned storage for tensors and packed bits, so AVX-512 loads of whole rows never
// split cache lines. Every allocation is counted, so memory tests can check what a step keeps
// alive (live_aligned_bytes) and how high it went (peak_aligned_bytes) without timing anything.
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>
#include <vector>

namespace bitnas {

// Bytes held by AlignedAllocator storage right now, process-wide.
std::int64_t live_aligned_bytes();
// Highest live_aligned_bytes() since the last reset_peak_aligned_bytes() (or program start).
std::int64_t peak_aligned_bytes();
void reset_peak_aligned_bytes();
// Bytes of freed large blocks kept for reuse (not counted as live), and a way to return them
// to the system, e.g. before a phase that needs different sizes.
std::int64_t cached_aligned_bytes();
void release_cached_aligned_blocks();

// 64-byte aligned blocks, counted. Out of line, so how blocks are obtained (the system heap,
// a cache of freed blocks) can change without rebuilding every user of tensors.
void* aligned_allocate(std::size_t bytes);
void aligned_deallocate(void* p, std::size_t bytes) noexcept;

template <typename T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() noexcept = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(aligned_allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { aligned_deallocate(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const AlignedAllocator<U>&) const noexcept { return true; }
};

template <typename T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

// As AlignedAllocator, but resize() without a value leaves the new elements
// default-initialised (floats: unset), so a buffer that is written in full skips a
// zero-fill pass over memory.
template <typename T>
struct DefaultInitAlignedAllocator : AlignedAllocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAlignedAllocator<U>;
  };
  DefaultInitAlignedAllocator() noexcept = default;
  template <typename U>
  DefaultInitAlignedAllocator(const DefaultInitAlignedAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

}  // namespace bitnas

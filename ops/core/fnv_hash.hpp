#pragma once
// 64-bit FNV-1a as 16 lowercase hex digits: fixed by its spec (unlike std::hash, which may
// change between standard libraries), a few lines, and 64 bits keep accidental collisions
// unlikely up to millions of items. Identifies genotypes, spaces and configs in the database.
#include <cstdint>
#include <string>
#include <string_view>

namespace bitnas {

inline std::string fnv1a_hex(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // offset basis
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;  // prime
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) hex[i] = digits[h & 0xf];
  return hex;
}

}  // namespace bitnas

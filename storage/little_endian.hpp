#pragma once
// Fixed-width little-endian encoding for BitNAS binary files, independent of the host's byte
// order. Writers go to any Sink with write(const void*, size_t), so one encoding function can
// both count a record's size and write it. ByteReader is the bounds-checked way back.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace bitnas {

template <typename Sink>
void put_le(Sink& sink, std::uint64_t value, int bytes) {
  unsigned char buf[8];
  for (int i = 0; i < bytes; ++i) buf[i] = static_cast<unsigned char>(value >> (8 * i));
  sink.write(buf, static_cast<std::size_t>(bytes));
}

template <typename Sink>
void put_u32(Sink& sink, std::uint32_t value) { put_le(sink, value, 4); }
template <typename Sink>
void put_u64(Sink& sink, std::uint64_t value) { put_le(sink, value, 8); }
template <typename Sink>
void put_i64(Sink& sink, std::int64_t value) { put_le(sink, static_cast<std::uint64_t>(value), 8); }

template <typename Sink>
void put_floats(Sink& sink, std::span<const float> values) {
  if constexpr (std::endian::native == std::endian::little) {
    sink.write(values.data(), values.size_bytes());
  } else {
    for (float v : values) put_u32(sink, std::bit_cast<std::uint32_t>(v));
  }
}

// Counts bytes instead of writing them.
struct ByteCounter {
  std::uint64_t bytes = 0;
  void write(const void*, std::size_t size) { bytes += size; }
};

// Reads a byte range front to back; every read checks the remaining length first and throws
// std::runtime_error("<context>: <what> runs past the end") instead of reading past it.
class ByteReader {
 public:
  ByteReader(std::span<const unsigned char> bytes, std::string context)
      : bytes_(bytes), context_(std::move(context)) {}

  std::size_t remaining() const { return bytes_.size() - pos_; }
  bool at_end() const { return pos_ == bytes_.size(); }

  std::span<const unsigned char> take(std::uint64_t size, const char* what) {
    if (size > remaining())
      throw std::runtime_error(context_ + ": " + what + " runs past the end");
    auto out = bytes_.subspan(pos_, static_cast<std::size_t>(size));
    pos_ += static_cast<std::size_t>(size);
    return out;
  }
  std::uint64_t le(int size, const char* what) {
    auto b = take(static_cast<std::uint64_t>(size), what);
    std::uint64_t v = 0;
    for (int i = 0; i < size; ++i) v |= static_cast<std::uint64_t>(b[i]) << (8 * i);
    return v;
  }
  std::uint32_t u32(const char* what) { return static_cast<std::uint32_t>(le(4, what)); }
  std::uint64_t u64(const char* what) { return le(8, what); }
  std::int64_t i64(const char* what) { return static_cast<std::int64_t>(le(8, what)); }
  std::string_view chars(std::uint64_t size, const char* what) {
    auto b = take(size, what);
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }
  void floats(std::span<float> out, const char* what) {
    auto b = take(static_cast<std::uint64_t>(out.size()) * 4, what);
    if constexpr (std::endian::native == std::endian::little) {
      if (!out.empty()) std::memcpy(out.data(), b.data(), b.size());
    } else {
      for (std::size_t i = 0; i < out.size(); ++i) {
        std::uint32_t bits = 0;
        for (int k = 0; k < 4; ++k) bits |= static_cast<std::uint32_t>(b[4 * i + k]) << (8 * k);
        out[i] = std::bit_cast<float>(bits);
      }
    }
  }
  const std::string& context() const { return context_; }

 private:
  std::span<const unsigned char> bytes_;
  std::size_t pos_ = 0;
  std::string context_;
};

}  // namespace bitnas

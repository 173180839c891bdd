// libFuzzer target: checkpoint files. Each input is read twice: as given (the envelope checks:
// magic, version, size, CRC) and with its size field and CRC trailer made to match, so the
// mutations reach the section parser behind the checksum. Every bad file must end in a
// std::runtime_error naming it.
#include <zlib.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "storage/checkpoint.hpp"
#include "tests/fuzz/fuzz_input_file.hpp"

namespace {

// Offsets of the checkpoint header (docs/CHECKPOINTS.md): magic 8, version 4, total size 8.
constexpr std::size_t kSizeField = 12;
constexpr std::size_t kHeaderBytes = 8 + 4 + 8 + 8 + 8 + 4;

void put_le(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint64_t value, int width) {
  for (int i = 0; i < width; ++i) bytes[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

void read(const std::uint8_t* data, std::size_t size) {
  try {
    bitnas::load_checkpoint(bitnas::fuzz::write_input_file(data, size));
  } catch (const std::runtime_error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  read(data, size);
  if (size < kHeaderBytes) return 0;
  std::vector<std::uint8_t> fixed(data, data + size);
  put_le(fixed, kSizeField, fixed.size() + 4, 8);
  const auto crc = ::crc32_z(0, fixed.data(), fixed.size());
  fixed.resize(fixed.size() + 4);
  put_le(fixed, fixed.size() - 4, crc, 4);
  read(fixed.data(), fixed.size());
  return 0;
}

#include "storage/checkpoint.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "ops/core/regular_file.hpp"
#include "storage/atomic_file.hpp"
#include "storage/little_endian.hpp"

namespace bitnas {
namespace {

constexpr char kMagic[8] = {'B', 'I', 'T', 'N', 'A', 'S', 'C', 'K'};
// magic, format version, total file size, epoch, step, section count
constexpr std::size_t kHeaderBytes = 8 + 4 + 8 + 8 + 8 + 4;
constexpr std::size_t kTrailerBytes = 4;
// Far above any real tensor; a larger rank in a file that passed the checksum is a writer bug.
constexpr std::uint32_t kMaxRank = 16;

constexpr std::string_view kTensorsSection = "tensors";
constexpr std::string_view kOptimizerSection = "optimizer";
constexpr std::string_view kStringsSection = "strings";

// zlib's crc32 returns its initial value (0) for a null buffer, whatever `crc` was, and an
// empty tensor's data() may be null: empty writes must leave the running CRC alone.
std::uint32_t crc32_of(std::uint32_t crc, const void* data, std::size_t size) {
  if (size == 0) return crc;
  return static_cast<std::uint32_t>(
      ::crc32_z(crc, static_cast<const Bytef*>(data), static_cast<z_size_t>(size)));
}

// Writes to the file and keeps the running CRC-32 of everything written.
class ChecksummedSink {
 public:
  explicit ChecksummedSink(AtomicFileWriter& file) : file_(file) {}
  void write(const void* data, std::size_t size) {
    crc_ = crc32_of(crc_, data, size);
    file_.write(data, size);
  }
  std::uint32_t crc() const { return crc_; }

 private:
  AtomicFileWriter& file_;
  std::uint32_t crc_ = 0;  // CRC-32 of no bytes
};

std::uint32_t checked_u32(std::size_t value, const std::string& what) {
  if (value > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("cannot save checkpoint: " + what + " is too large");
  return static_cast<std::uint32_t>(value);
}

template <typename Sink>
void put_name(Sink& sink, std::string_view name) {
  put_u32(sink, checked_u32(name.size(), "name '" + std::string(name.substr(0, 64)) + "'"));
  sink.write(name.data(), name.size());
}

template <typename Sink>
void put_tensor_map(Sink& sink, const std::map<std::string, Tensor>& tensors) {
  put_u32(sink, checked_u32(tensors.size(), "tensor count"));
  for (const auto& [name, t] : tensors) {
    put_name(sink, name);
    put_u32(sink, static_cast<std::uint32_t>(t.rank()));
    for (int d : t.shape()) put_u32(sink, static_cast<std::uint32_t>(d));
    // numel is stored because it tells Tensor() (rank 0, no data) from a rank-0 scalar.
    put_u64(sink, static_cast<std::uint64_t>(t.numel()));
    put_floats(sink, t.values());
  }
}

template <typename Sink>
void put_string_map(Sink& sink, const std::map<std::string, std::string>& strings) {
  put_u32(sink, checked_u32(strings.size(), "string count"));
  for (const auto& [key, value] : strings) {
    put_name(sink, key);
    put_u64(sink, value.size());
    sink.write(value.data(), value.size());
  }
}

// A section is its name, its payload size and the payload; the size lets the reader check
// that each section's contents end exactly where the section does.
template <typename Sink, typename Payload>
void put_section(Sink& sink, std::string_view name, const Payload& put_payload) {
  ByteCounter counter;
  put_payload(counter);
  put_name(sink, name);
  put_u64(sink, counter.bytes);
  put_payload(sink);
}

template <typename Sink>
void put_sections(Sink& sink, const Checkpoint& cp) {
  put_section(sink, kTensorsSection, [&](auto& s) { put_tensor_map(s, cp.tensors); });
  put_section(sink, kOptimizerSection, [&](auto& s) { put_tensor_map(s, cp.optimizer); });
  put_section(sink, kStringsSection, [&](auto& s) { put_string_map(s, cp.strings); });
}
constexpr std::uint32_t kSectionCount = 3;

std::string label(const std::filesystem::path& path) { return "checkpoint '" + path.string() + "'"; }

std::vector<unsigned char> read_whole_file(const std::filesystem::path& path) {
  if (const auto why = not_a_regular_file(path.string()))
    throw std::runtime_error(label(path) + ": " + *why);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(label(path) + ": cannot open: " + std::strerror(errno));
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(label(path) + ": read error: " + std::strerror(errno));
  return bytes;
}

// Multiplies without overflow: the dimensions come from the file.
bool shape_has_numel(const Shape& shape, std::uint64_t numel) {
  std::uint64_t product = 1;
  for (int d : shape) {
    if (d == 0) return numel == 0;
    if (product > numel / static_cast<std::uint64_t>(d)) return false;
    product *= static_cast<std::uint64_t>(d);
  }
  return product == numel;
}

// Model weights that are not finite come from a diverged run: resuming would train on NaN
// losses and eval would report chance accuracy, far from the cause. Optimizer state is not
// checked (it is rebuilt from the weights' gradients).
void require_finite(const Tensor& t, const ByteReader& in, const std::string& name) {
  const auto values = t.values();
  const auto bad =
      std::find_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); });
  if (bad != values.end())
    throw std::runtime_error(in.context() + ": tensor '" + name + "' holds " +
                             (std::isnan(*bad) ? "NaN" : "an infinity") + " at index " +
                             std::to_string(bad - values.begin()) +
                             "; the run that wrote it diverged");
}

Tensor read_tensor(ByteReader& in, const std::string& name) {
  const std::uint32_t rank = in.u32("tensor rank");
  if (rank > kMaxRank)
    throw std::runtime_error(in.context() + ": tensor '" + name + "' has rank " +
                             std::to_string(rank));
  Shape shape(rank);
  for (auto& d : shape) {
    const std::uint32_t v = in.u32("tensor shape");
    if (v > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
      throw std::runtime_error(in.context() + ": tensor '" + name + "' has dimension " +
                               std::to_string(v));
    d = static_cast<int>(v);
  }
  const std::uint64_t numel = in.u64("tensor element count");
  if (rank == 0 && numel == 0) return Tensor();
  // Checked before allocating, so a huge shape cannot exhaust memory.
  if (numel > in.remaining() / 4)
    throw std::runtime_error(in.context() + ": tensor '" + name + "' data runs past the end");
  if (!shape_has_numel(shape, numel))
    throw std::runtime_error(in.context() + ": tensor '" + name + "' has " +
                             std::to_string(numel) + " values for shape " + shape_string(shape));
  Tensor t(shape);
  in.floats(t.values(), "tensor data");
  return t;
}

std::map<std::string, Tensor> read_tensor_map(ByteReader& in, bool weights) {
  std::map<std::string, Tensor> tensors;
  const std::uint32_t count = in.u32("tensor count");
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string name(in.chars(in.u32("tensor name length"), "tensor name"));
    Tensor t = read_tensor(in, name);
    if (weights) require_finite(t, in, name);
    if (!tensors.emplace(name, std::move(t)).second)
      throw std::runtime_error(in.context() + ": tensor '" + name + "' appears twice");
  }
  return tensors;
}

std::map<std::string, std::string> read_string_map(ByteReader& in) {
  std::map<std::string, std::string> strings;
  const std::uint32_t count = in.u32("string count");
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string key(in.chars(in.u32("string key length"), "string key"));
    std::string value(in.chars(in.u64("string value length"), "string value"));
    if (!strings.emplace(key, std::move(value)).second)
      throw std::runtime_error(in.context() + ": string '" + key + "' appears twice");
  }
  return strings;
}

// Verifies everything that does not need parsing, in the order that gives the most useful
// message: what the file is, which version, whether it is whole, whether it is intact.
void verify_envelope(const std::filesystem::path& path, const std::vector<unsigned char>& bytes) {
  const std::size_t size = bytes.size();
  if (size == 0) throw std::runtime_error(label(path) + ": empty file, not a BitNAS checkpoint");
  // A file shorter than the magic that starts like it is a truncated checkpoint.
  if (std::memcmp(bytes.data(), kMagic, std::min(size, sizeof kMagic)) != 0)
    throw std::runtime_error(label(path) + ": not a BitNAS checkpoint (bad magic)");
  if (size < kHeaderBytes + kTrailerBytes)
    throw std::runtime_error(label(path) + ": truncated (" + std::to_string(size) +
                             " bytes, shorter than the header)");
  const std::span<const unsigned char> all(bytes);
  ByteReader header(all.subspan(sizeof kMagic), label(path));
  const std::uint32_t version = header.u32("format version");
  if (version > kCheckpointFormatVersion)
    throw std::runtime_error(label(path) + ": format version " + std::to_string(version) +
                             " is newer than this build reads (" +
                             std::to_string(kCheckpointFormatVersion) +
                             "); use a newer bitnas");
  if (version == 0) throw std::runtime_error(label(path) + ": corrupt: format version 0");
  const std::uint64_t expected = header.u64("file size");
  if (size < expected)
    throw std::runtime_error(label(path) + ": truncated (" + std::to_string(size) + " of " +
                             std::to_string(expected) + " bytes)");
  if (size > expected)
    throw std::runtime_error(label(path) + ": corrupt: " + std::to_string(size - expected) +
                             " bytes after the end of the checkpoint");
  const std::size_t body = size - kTrailerBytes;
  ByteReader trailer(all.subspan(body), label(path));
  if (trailer.u32("checksum") != crc32_of(0, bytes.data(), body))
    throw std::runtime_error(label(path) + ": corrupt: checksum mismatch");
}

}  // namespace

std::string SavedCheckpoint::checksum() const {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", crc32);
  return std::string("crc32:") + text;
}

SavedCheckpoint save_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint) {
  ByteCounter body;
  put_sections(body, checkpoint);
  const std::uint64_t total = kHeaderBytes + body.bytes + kTrailerBytes;

  AtomicFileWriter file(path);
  ChecksummedSink sink(file);
  sink.write(kMagic, sizeof kMagic);
  put_u32(sink, kCheckpointFormatVersion);
  put_u64(sink, total);
  put_i64(sink, checkpoint.epoch);
  put_i64(sink, checkpoint.step);
  put_u32(sink, kSectionCount);
  put_sections(sink, checkpoint);
  const std::uint32_t crc = sink.crc();
  put_u32(file, crc);  // the trailer is not part of its own checksum
  file.commit();
  return {total, crc};
}

Checkpoint load_checkpoint(const std::filesystem::path& path) {
  const std::vector<unsigned char> bytes = read_whole_file(path);
  verify_envelope(path, bytes);

  // The checksum matched, so anything malformed below was written that way: corrupt.
  const std::string context = label(path) + ": corrupt";
  const std::span<const unsigned char> all(bytes);
  ByteReader in(all.first(all.size() - kTrailerBytes), context);
  in.take(sizeof kMagic + 4 + 8, "header");  // magic, version, size: verified above
  Checkpoint cp;
  cp.epoch = in.i64("epoch");
  cp.step = in.i64("step");
  const std::uint32_t sections = in.u32("section count");
  std::set<std::string> seen;
  for (std::uint32_t i = 0; i < sections; ++i) {
    std::string name(in.chars(in.u32("section name length"), "section name"));
    const std::uint64_t payload_size = in.u64("section size");
    ByteReader payload(in.take(payload_size, "section"), context + ": section '" + name + "'");
    if (!seen.insert(name).second)
      throw std::runtime_error(context + ": section '" + name + "' appears twice");
    if (name == kTensorsSection) {
      cp.tensors = read_tensor_map(payload, true);
    } else if (name == kOptimizerSection) {
      cp.optimizer = read_tensor_map(payload, false);
    } else if (name == kStringsSection) {
      cp.strings = read_string_map(payload);
    } else {
      // Refused rather than skipped: a resumed run must not silently lose state.
      throw std::runtime_error(context + ": unknown section '" + name + "'");
    }
    if (!payload.at_end())
      throw std::runtime_error(payload.context() + ": " + std::to_string(payload.remaining()) +
                               " unread bytes at its end");
  }
  if (!in.at_end())
    throw std::runtime_error(context + ": " + std::to_string(in.remaining()) +
                             " bytes after the last section");
  return cp;
}

SavedCheckpoint checkpoint_file_info(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error(label(path) + ": cannot open");
  SavedCheckpoint info;
  info.bytes = static_cast<std::uint64_t>(in.tellg());
  if (info.bytes < kTrailerBytes) throw std::runtime_error(label(path) + ": truncated");
  unsigned char trailer[4];
  in.seekg(static_cast<std::streamoff>(info.bytes - kTrailerBytes));
  in.read(reinterpret_cast<char*>(trailer), 4);
  info.crc32 = ByteReader(trailer, label(path)).u32("checksum");
  return info;
}

}  // namespace bitnas

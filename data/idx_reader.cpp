#include "data/idx_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

#include "ops/core/regular_file.hpp"

namespace bitnas {
namespace {

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

// Payload bytes read (and allocated) at a time.
constexpr std::uint64_t kReadStep = 1u << 22;

// gzopen/gzread transparently pass through files that are not gzip-compressed.
class GzReader {
 public:
  explicit GzReader(const std::string& path) : path_(path) {
    if (const auto why = not_a_regular_file(path))
      throw DataError(path + ": " + *why);
    errno = 0;
    file_ = gzopen(path.c_str(), "rb");
    if (!file_)
      throw DataError(path + ": cannot open (" +
                      (errno ? std::string(std::strerror(errno)) : "out of memory") + ")");
    gzbuffer(file_, 1 << 17);
  }
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;
  ~GzReader() { gzclose(file_); }

  // Reads up to n bytes; fewer only at the end of the data. A corrupt compressed stream
  // throws, while a stream that merely stops early reads short (the caller reports it).
  std::size_t read(void* dst, std::size_t n) {
    std::size_t got = 0;
    auto* out = static_cast<unsigned char*>(dst);
    while (got < n) {
      const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 24));
      const int r = gzread(file_, out + got, chunk);
      if (r < 0) throw DataError(path_ + ": cannot decompress (" + error_text() + ")");
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    return got;
  }

  // zlib's own explanation of a short read of a compressed file ("unexpected end of file").
  std::string short_read_note() const {
    int code = Z_OK;
    gzerror(file_, &code);
    return code == Z_OK ? "" : " (" + error_text() + ")";
  }

  std::uint32_t read_u32_be(const char* what, std::size_t header_bytes) {
    unsigned char b[4];
    const std::size_t got = read(b, 4);
    if (got != 4)
      throw DataError(path_ + ": truncated IDX header: the file ends before the " + what + " (" +
                      std::to_string(header_bytes) + "-byte header)" + short_read_note());
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           std::uint32_t{b[3]};
  }

  // Reads exactly n payload bytes into `out`, growing it only as data arrives so a corrupt
  // header cannot make us allocate gigabytes up front; rejects short and over-long files.
  void read_payload(std::vector<std::uint8_t>& out, std::uint64_t n, const std::string& promise) {
    out.clear();
    // One step's worth at most: a 16-byte file whose header promises 2^28 pixels must not
    // cost 256 MiB before it is found short (fuzz_idx_reader ran 23 inputs a second).
    out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(n, kReadStep)));
    std::uint64_t got = 0;
    while (got < n) {
      const std::size_t step = static_cast<std::size_t>(std::min<std::uint64_t>(n - got, kReadStep));
      out.resize(static_cast<std::size_t>(got) + step);
      const std::size_t r = read(out.data() + got, step);
      got += r;
      if (r < step) {
        throw DataError(path_ + ": truncated: the header promises " + promise + " (" +
                        std::to_string(n) + " bytes) but only " + std::to_string(got) +
                        " of them are present" + short_read_note());
      }
    }
    unsigned char extra;
    if (read(&extra, 1) != 0)
      throw DataError(path_ + ": more data than the header promises (" + promise +
                      "); is this the right file?");
  }

 private:
  // zlib prefixes its messages with the path, which our messages already start with.
  std::string error_text() const {
    int code = Z_OK;
    const char* text = gzerror(file_, &code);
    if (code == Z_ERRNO) return std::strerror(errno);
    std::string s = text ? text : "unknown zlib error";
    if (s.rfind(path_ + ": ", 0) == 0) s.erase(0, path_.size() + 2);
    return s;
  }

  std::string path_;
  gzFile file_ = nullptr;
};

void expect_magic(GzReader& in, const std::string& path, std::uint32_t expected,
                  std::size_t header_bytes) {
  const std::uint32_t magic = in.read_u32_be("magic number", header_bytes);
  if (magic == expected) return;
  std::string hint;
  if (magic == kIdxLabelsMagic)
    hint = "; this looks like an IDX labels file";
  else if (magic == kIdxImagesMagic)
    hint = "; this looks like an IDX images file";
  else if ((magic >> 16) == 0x1F8B)
    hint = "; the data is gzip-compressed twice";
  throw DataError(path + ": wrong magic number " + hex32(magic) + ", expected " + hex32(expected) +
                  (expected == kIdxImagesMagic ? " (IDX uint8 images, 3 dimensions)"
                                               : " (IDX uint8 labels, 1 dimension)") +
                  hint);
}

int checked_dim(std::uint32_t v, const std::string& path, const char* what) {
  if (v > static_cast<std::uint32_t>(INT_MAX))
    throw DataError(path + ": " + what + " " + std::to_string(v) + " in the header is too large");
  return static_cast<int>(v);
}

}  // namespace

namespace {

IdxImages read_header(GzReader& in, const std::string& path) {
  expect_magic(in, path, kIdxImagesMagic, 16);
  IdxImages out;
  out.count = checked_dim(in.read_u32_be("image count", 16), path, "image count");
  out.rows = checked_dim(in.read_u32_be("row count", 16), path, "row count");
  out.cols = checked_dim(in.read_u32_be("column count", 16), path, "column count");
  if (out.rows == 0 || out.cols == 0)
    throw DataError(path + ": the header gives an empty image size " + std::to_string(out.rows) +
                    "x" + std::to_string(out.cols));
  return out;
}

}  // namespace

IdxImages read_idx_images_header(const std::string& path) {
  GzReader in(path);
  return read_header(in, path);
}

IdxImages read_idx_images(const std::string& path) {
  GzReader in(path);
  IdxImages out = read_header(in, path);
  const std::uint64_t n =
      std::uint64_t(out.count) * std::uint64_t(out.rows) * std::uint64_t(out.cols);
  in.read_payload(out.pixels, n,
                  std::to_string(out.count) + " images of " + std::to_string(out.rows) + "x" +
                      std::to_string(out.cols));
  return out;
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
  GzReader in(path);
  expect_magic(in, path, kIdxLabelsMagic, 8);
  const int count = checked_dim(in.read_u32_be("label count", 8), path, "label count");
  std::vector<std::uint8_t> labels;
  in.read_payload(labels, static_cast<std::uint64_t>(count), std::to_string(count) + " labels");
  return labels;
}

Dataset read_idx_dataset(const std::string& images_path, const std::string& labels_path,
                         int num_classes, const std::string& name, Split split) {
  IdxImages images = read_idx_images(images_path);
  const std::vector<std::uint8_t> labels = read_idx_labels(labels_path);
  if (images.count == 0)
    throw DataError(images_path + ": holds no images; an empty " + split_name(split) +
                    " set would give meaningless results");
  if (labels.size() != static_cast<std::size_t>(images.count))
    throw DataError(labels_path + ": " + std::to_string(labels.size()) + " labels, but " +
                    images_path + " holds " + std::to_string(images.count) + " images");
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= num_classes)
      throw DataError(labels_path + ": label " + std::to_string(labels[i]) + " at index " +
                      std::to_string(i) + " is out of range (" + std::to_string(num_classes) +
                      " classes: 0.." + std::to_string(num_classes - 1) + ")");
  Dataset d;
  d.name = name;
  d.split = split;
  d.height = images.rows;
  d.width = images.cols;
  d.channels = 1;
  d.num_classes = num_classes;
  d.pixels = std::move(images.pixels);
  d.labels.assign(labels.begin(), labels.end());
  return d;
}

}  // namespace bitnas

#include "evaluators/memory_budget.hpp"

#include <unistd.h>

#include <cctype>
#include <cmath>
#include <stdexcept>

#include "data/cifar_reader.hpp"
#include "data/fashion_mnist.hpp"
#include "data/idx_reader.hpp"

namespace bitnas {

namespace {

// Images in the train and test files together.
constexpr double kFashionMnistImages = 70'000;
constexpr double kCifarImages = 60'000;

}  // namespace

double physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return INFINITY;  // unknown: nothing to compare against
  return static_cast<double>(pages) * static_cast<double>(page_size);
}

InputSpec dataset_input(const DataConfig& data) {
  switch (data.dataset) {
    case DatasetKind::fashion_mnist:
      return {1, kFashionMnistSide, kFashionMnistSide, 10};
    case DatasetKind::idx: {
      const IdxImages header = read_idx_images_header(idx_directory_train_images(data.dir));
      return {1, header.rows, header.cols, 10};
    }
    case DatasetKind::cifar10:
      return {3, kCifarImageSide, kCifarImageSide, cifar_num_classes(CifarVariant::cifar10)};
    case DatasetKind::cifar100:
      return {3, kCifarImageSide, kCifarImageSide, cifar_num_classes(CifarVariant::cifar100)};
  }
  throw std::logic_error("dataset_input: unknown dataset");
}

double dataset_bytes(const DataConfig& data) {
  double images = kCifarImages;
  if (data.dataset == DatasetKind::fashion_mnist) images = kFashionMnistImages;
  // The test set is read too; a sixth of the training set is a generous guess for it.
  if (data.dataset == DatasetKind::idx)
    images = read_idx_images_header(idx_directory_train_images(data.dir)).count * 7.0 / 6.0;
  const InputSpec input = dataset_input(data);
  return images * input.channels * input.height * input.width;
}

void check_memory_budget(const MemoryEstimate& e, std::optional<double> max_memory_bytes,
                         const std::string& source, const std::string& size_keys,
                         const std::string& batch_key) {
  const double limit = max_memory_bytes.value_or(physical_memory_bytes());
  if (e.total() <= limit) return;
  const std::string limit_name =
      max_memory_bytes ? "the --max-memory limit of " : "this machine's physical memory of ";
  const std::string advice = e.parameter_bytes >= e.activation_bytes
                                 ? "lower " + size_keys + " (or raise --max-memory)"
                                 : "lower " + batch_key + " (or raise --max-memory)";
  throw std::runtime_error(source + ": needs an estimated " + format_bytes(e.total()) +
                           " (parameters " + format_bytes(e.parameter_bytes) + ", activations " +
                           format_bytes(e.activation_bytes) + ", data " +
                           format_bytes(e.data_bytes) + "), more than " + limit_name +
                           format_bytes(limit) + "; " + advice);
}

double parse_memory_size(const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  double scale = 1;
  if (used > 0 && used + 1 == text.size()) {
    const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text.back())));
    const std::string units = "KMGT";
    const auto at = units.find(unit);
    if (at != std::string::npos) {
      scale = std::pow(1024.0, static_cast<double>(at + 1));
      ++used;
    }
  }
  if (used == 0 || used != text.size() || !std::isfinite(value) || value <= 0)
    throw std::invalid_argument("--max-memory '" + text +
                                "': expected a positive size in bytes, optionally with K, M, G "
                                "or T, e.g. 8G");
  return value * scale;
}

}  // namespace bitnas

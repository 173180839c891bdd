// libFuzzer target: IDX images and labels files (plain or gzip). Every bad file must end in a
// DataError naming it.
#include <cstdint>

#include "data/idx_reader.hpp"
#include "tests/fuzz/fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bitnas::fuzz::write_input_file(data, size);
  try {
    bitnas::read_idx_images(path);
  } catch (const bitnas::DataError&) {
  }
  try {
    bitnas::read_idx_labels(path);
  } catch (const bitnas::DataError&) {
  }
  return 0;
}

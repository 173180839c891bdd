// libFuzzer target: CIFAR-10 and CIFAR-100 binary files. Every bad file must end in a
// DataError naming it.
#include <cstdint>

#include "data/cifar_reader.hpp"
#include "tests/fuzz/fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bitnas::fuzz::write_input_file(data, size);
  for (const auto variant : {bitnas::CifarVariant::cifar10, bitnas::CifarVariant::cifar100}) {
    try {
      bitnas::read_cifar_files({path}, variant, "fuzz", bitnas::Split::train);
    } catch (const bitnas::DataError&) {
    }
  }
  return 0;
}

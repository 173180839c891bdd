#pragma once
// The file readers take paths, so each fuzz input is written to one temporary file per
// process (reused across inputs) and read back from there.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

namespace bitnas::fuzz {

inline std::string write_input_file(const std::uint8_t* data, std::size_t size) {
  static const std::string path =
      "/tmp/bitnas_fuzz_input_" + std::to_string(::getpid()) + ".bin";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace bitnas::fuzz

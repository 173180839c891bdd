// libFuzzer target: the genotype grammar. Any input either parses or throws
// GenotypeParseError; what parses prints back to a string that parses to the same genotype.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "search_spaces/genotype_parser.hpp"
#include "search_spaces/genotype_printer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  bitnas::Genotype genotype;
  try {
    genotype = bitnas::parse_genotype(text);
  } catch (const bitnas::GenotypeParseError&) {
    return 0;
  }
  if (bitnas::parse_genotype(bitnas::to_string(genotype)) != genotype) std::abort();
  return 0;
}

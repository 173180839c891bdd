#pragma once
// Reads the genotype of `bitnas train --genotype-file F`: a YAML file with a `genotype:` key,
// or with a `genotypes:` list as `bitnas derive` writes it (the first entry, the best ranked,
// is taken unless `rank` picks another), a top-level list of genotype strings as aw_nas's
// derive writes it (ranked the same way), or a file holding just the genotype string.
#include <string>
#include <vector>

namespace bitnas::cli {

std::string read_genotype_file(const std::string& path, int rank = 1);
// Every genotype of the file, best ranked first (one for a `genotype:` key or a bare string).
std::vector<std::string> read_genotype_list(const std::string& path);

}  // namespace bitnas::cli

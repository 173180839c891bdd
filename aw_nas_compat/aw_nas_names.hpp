#pragma once
// aw_nas's names for things BitNAS calls otherwise, beyond the op aliases the op registry
// already accepts (xnor_conv_3x3, xnor_resnet_block, ...).
#include <optional>
#include <string>
#include <vector>

namespace bitnas {

struct OpTranslation {
  std::string bitnas_name;
  // Empty when the BitNAS op computes what the aw_nas op computes; else what differs.
  std::string caveat;
};

// The BitNAS op for an aw_nas op name: itself when the registry knows it, the binary
// counterpart of a full-precision aw_nas op (sep_conv_3x3 -> bconv_3x3, with a caveat),
// nothing when BitNAS has no such op.
std::optional<OpTranslation> translate_op_name(const std::string& aw_nas_name);

// The BitNAS stem for aw_nas's `use_stem` (a name, or a list of names applied in turn).
struct StemTranslation {
  std::string bitnas_name;
  std::string caveat;
};
std::optional<StemTranslation> translate_stem(const std::vector<std::string>& aw_nas_stem);

// Classes of an aw_nas `dataset_type`, or 0 when unknown.
int dataset_classes(const std::string& aw_nas_dataset);

}  // namespace bitnas

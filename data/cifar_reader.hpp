#pragma once
// The binary versions of CIFAR-10 and CIFAR-100 (users bring the files). Each record is the
// label byte(s) then 3072 bytes: the 32x32 red plane, then green, then blue, row-major. The
// reader converts to the NHWC layout of the rest of BitNAS.
#include <string>
#include <vector>

#include "data/dataset.hpp"

namespace bitnas {

enum class CifarVariant {
  cifar10,   // 1 label byte, 10 classes
  cifar100,  // coarse label byte (20 superclasses) then fine label byte (100 classes); we use fine
};

inline constexpr int kCifarImageSide = 32;
inline constexpr int kCifarPixelBytes = 3 * kCifarImageSide * kCifarImageSide;
int cifar_record_bytes(CifarVariant variant);
int cifar_num_classes(CifarVariant variant);

// Concatenates the records of `paths` in order. Throws DataError naming the file for a missing
// file, a size that is not a whole number of records, or a label out of range.
Dataset read_cifar_files(const std::vector<std::string>& paths, CifarVariant variant,
                         const std::string& name, Split split);

// CIFAR-10 from `dir` (the extracted cifar-10-batches-bin): data_batch_1..5.bin for train,
// test_batch.bin for test.
Dataset load_cifar10(const std::string& dir, Split split);
// CIFAR-100 from `dir` (the extracted cifar-100-binary): train.bin or test.bin.
Dataset load_cifar100(const std::string& dir, Split split);

}  // namespace bitnas

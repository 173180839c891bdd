#include "data/augmentation.hpp"

#include <cstring>
#include <string>

#include "data/dataset.hpp"
#include "data/seed_mixing.hpp"
#include "ops/core/random.hpp"

namespace bitnas {

AugmentationChoice draw_augmentation(const AugmentationOptions& options, std::uint64_t seed,
                                     int epoch, std::int64_t image_index) {
  if (options.random_crop && options.crop_padding < 0)
    throw DataError("augmentation: crop padding " + std::to_string(options.crop_padding) +
                    " is negative");
  const int pad = options.random_crop ? options.crop_padding : 0;
  AugmentationChoice choice{pad, pad, false};
  if (!options.any()) return choice;
  Rng rng(derive_seed(seed, SeedPurpose::augmentation, static_cast<std::uint64_t>(epoch),
                      static_cast<std::uint64_t>(image_index)));
  if (options.random_crop) {
    const auto positions = static_cast<std::uint64_t>(2 * pad + 1);
    choice.offset_y = static_cast<int>(rng.below(positions));
    choice.offset_x = static_cast<int>(rng.below(positions));
  }
  if (options.horizontal_flip) choice.flip = rng.uniform() < 0.5f;
  return choice;
}

void augment_image(const std::uint8_t* src, int height, int width, int channels, int crop_padding,
                   const AugmentationChoice& choice, std::uint8_t* dst) {
  // Output (y, x) shows cropped column x' = flip ? W-1-x : x, which is padded pixel
  // (y + offset_y, x' + offset_x), i.e. source pixel (y + offset_y - P, x' + offset_x - P).
  const int dy = choice.offset_y - crop_padding;
  const int dx = choice.offset_x - crop_padding;
  const std::size_t row_bytes = static_cast<std::size_t>(width) * channels;
  for (int y = 0; y < height; ++y) {
    std::uint8_t* out_row = dst + y * row_bytes;
    const int sy = y + dy;
    if (sy < 0 || sy >= height) {
      std::memset(out_row, 0, row_bytes);
      continue;
    }
    const std::uint8_t* src_row = src + sy * row_bytes;
    for (int x = 0; x < width; ++x) {
      const int sx = (choice.flip ? width - 1 - x : x) + dx;
      std::uint8_t* out = out_row + static_cast<std::size_t>(x) * channels;
      if (sx < 0 || sx >= width)
        std::memset(out, 0, channels);
      else
        std::memcpy(out, src_row + static_cast<std::size_t>(sx) * channels, channels);
    }
  }
}

}  // namespace bitnas

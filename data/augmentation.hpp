#pragma once
// Training-time augmentation of uint8 NHWC images: random crop after zero padding (pad P on
// every side, crop back to HxW) and horizontal flip with probability 0.5, in that order (as
// torchvision's RandomCrop(padding=P) then RandomHorizontalFlip). Padding happens in pixel
// space, before normalization, so a padded pixel becomes (0 - mean) / stddev.
#include <cstdint>

namespace bitnas {

struct AugmentationOptions {
  bool operator==(const AugmentationOptions&) const = default;
  bool random_crop = false;
  int crop_padding = 4;  // P, >= 0
  bool horizontal_flip = false;

  bool any() const { return random_crop || horizontal_flip; }
};

// The random decisions for one image. Offsets index the padded image, in [0, 2P]; P, P means
// no shift.
struct AugmentationChoice {
  int offset_y = 0, offset_x = 0;
  bool flip = false;
};

// The choice for image `image_index` (its index in the dataset) in `epoch`, drawn from an Rng
// seeded by (seed, epoch, image_index) alone: the same whichever thread, batch or resumed run
// produces it. Disabled augmentations give the identity (offsets P, P; no flip).
AugmentationChoice draw_augmentation(const AugmentationOptions& options, std::uint64_t seed,
                                     int epoch, std::int64_t image_index);

// Writes the augmented height x width x channels image `src` to `dst` (same size, distinct).
void augment_image(const std::uint8_t* src, int height, int width, int channels, int crop_padding,
                   const AugmentationChoice& choice, std::uint8_t* dst);

}  // namespace bitnas

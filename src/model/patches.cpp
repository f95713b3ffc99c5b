// Cutting latents into transformer tokens and back.
#include "model/patches.h"

namespace kinema::model {

torch::Tensor patchify(const torch::Tensor& x, std::array<int, 3> patch) {
  const auto b = x.size(0), c = x.size(1);
  const auto [pt, ph, pw] = patch;
  const auto t = x.size(2) / pt, h = x.size(3) / ph, w = x.size(4) / pw;
  return x.reshape({b, c, t, pt, h, ph, w, pw})
      .permute({0, 2, 4, 6, 3, 5, 7, 1})  // b, t, h, w, pt, ph, pw, c
      .reshape({b, t * h * w, pt * ph * pw * c});
}

torch::Tensor unpatchify(const torch::Tensor& tokens, std::array<int, 3> patch, std::array<int64_t, 3> grid,
                         int64_t channels) {
  const auto b = tokens.size(0);
  const auto [pt, ph, pw] = patch;
  const auto [t, h, w] = grid;
  return tokens.reshape({b, t, h, w, pt, ph, pw, channels})
      .permute({0, 7, 1, 4, 2, 5, 3, 6})  // b, c, t, pt, h, ph, w, pw
      .reshape({b, channels, t * pt, h * ph, w * pw});
}

torch::Tensor patchify_1d(const torch::Tensor& x, int patch) {
  const auto b = x.size(0), c = x.size(1), t = x.size(2) / patch;
  return x.reshape({b, c, t, patch}).permute({0, 2, 3, 1}).reshape({b, t, patch * c});
}

torch::Tensor unpatchify_1d(const torch::Tensor& tokens, int patch, int64_t channels) {
  const auto b = tokens.size(0), t = tokens.size(1);
  return tokens.reshape({b, t, patch, channels}).permute({0, 3, 1, 2}).reshape({b, channels, t * patch});
}

}  // namespace kinema::model

// The DiT's extra input channels.
#include "model/guidance.h"

namespace kinema::model {
namespace {

// Concatenates [values * keep, flag = 1 - keep] along channels.
torch::Tensor with_flag(const torch::Tensor& values, const torch::Tensor& keep) {
  std::vector<int64_t> shape(values.dim(), 1);
  shape[0] = values.size(0);
  const auto k = keep.to(values.options()).view(shape);
  auto flag_shape = values.sizes().vec();
  flag_shape[1] = 1;
  const auto flag = (1.0 - k).expand(flag_shape);
  return torch::cat({values * k, flag}, 1);
}

torch::Tensor keep_or_all(const torch::Tensor& keep, const torch::Tensor& like) {
  return keep.defined() ? keep.to(like.device()) : torch::ones({like.size(0)}, like.options().dtype(torch::kBool));
}

}  // namespace

torch::Tensor video_guide(const torch::Tensor& layout, const torch::Tensor& like, int64_t r, const torch::Tensor& keep) {
  const int64_t b = like.size(0), t = like.size(2), h = like.size(3), w = like.size(4);
  if (!layout.defined()) {
    return with_flag(torch::zeros({b, 3 * r, t, h, w}, like.options()),
                     torch::zeros({b}, like.options().dtype(torch::kBool)));
  }
  const int64_t frames = layout.size(2);
  // Average each latent pixel's cell, frame by frame: [B, 3, F, h, w].
  auto cells = torch::adaptive_avg_pool3d(layout.to(like.options()), {frames, h, w});
  // Fold r frames per latent frame after r - 1 copies of the first, as the causal VAE does.
  if (r > 1) cells = torch::cat({cells.narrow(2, 0, 1).expand({-1, -1, r - 1, -1, -1}), cells}, 2);
  cells = cells.reshape({b, 3, t, r, h, w}).permute({0, 1, 3, 2, 4, 5}).reshape({b, 3 * r, t, h, w});
  return with_flag(cells, keep_or_all(keep, like));
}

torch::Tensor audio_guide(const torch::Tensor& events, const torch::Tensor& like, int64_t channels, const torch::Tensor& keep) {
  if (!events.defined()) {
    auto shape = like.sizes().vec();
    shape[1] = channels - 1;
    return with_flag(torch::zeros(shape, like.options()), torch::zeros({like.size(0)}, like.options().dtype(torch::kBool)));
  }
  return with_flag(events.to(like.options()), keep_or_all(keep, like));
}

torch::Tensor scene_guide(const torch::Tensor& features, int64_t batch, int64_t channels, const torch::Tensor& keep) {
  if (!features.defined()) {
    auto out = torch::zeros({batch, channels});
    out.select(1, channels - 1).fill_(1.0);
    return out;
  }
  return with_flag(features.to(torch::kFloat), keep_or_all(keep, features));
}

torch::Tensor condition_input(const torch::Tensor& held, const torch::Tensor& like) {
  auto mask_shape = like.sizes().vec();
  mask_shape[1] = 1;
  auto mask = torch::zeros(mask_shape, like.options());
  auto latents = torch::zeros_like(like);
  if (held.defined() && held.size(2) > 0) {
    mask.narrow(2, 0, held.size(2)).fill_(1.0);
    latents.narrow(2, 0, held.size(2)).copy_(held);
  }
  return torch::cat({mask, latents}, 1);
}

}  // namespace kinema::model

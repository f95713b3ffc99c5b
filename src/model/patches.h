// Cutting latents into transformer tokens and back. Token values are ordered (pt, ph, pw, c), c fastest,
// which is the order of Wan2.1's head output.
#pragma once

#include <array>

#include <torch/torch.h>

namespace kinema::model {

// x: [B, C, T, H, W] -> [B, (T/pt)(H/ph)(W/pw), pt*ph*pw*C], tokens t-major.
torch::Tensor patchify(const torch::Tensor& x, std::array<int, 3> patch);
// tokens: [B, N, pt*ph*pw*C] -> [B, C, T, H, W] for the latent grid (t, h, w) = (T/pt, H/ph, W/pw).
torch::Tensor unpatchify(const torch::Tensor& tokens, std::array<int, 3> patch, std::array<int64_t, 3> grid,
                         int64_t channels);

// Audio latents: x: [B, C, T] -> [B, T/p, p*C]; and back.
torch::Tensor patchify_1d(const torch::Tensor& x, int patch);
torch::Tensor unpatchify_1d(const torch::Tensor& tokens, int patch, int64_t channels);

}  // namespace kinema::model

// Layers the networks share: RMS norms, attention, 3D rotary embedding, timestep embedding, modulation.
#pragma once

#include <array>

#include <torch/torch.h>

namespace kinema::model {

// RMS norm over the last dimension with a learned gain (Wan's WanRMSNorm; parameter "weight").
struct RMSNormImpl : torch::nn::Module {
  RMSNormImpl(int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;
  double eps;
};
TORCH_MODULE(RMSNorm);

// RMS norm over the channel dimension (dim 1) of feature maps of any rank, with a learned gain.
// It mixes nothing across time or space, so it keeps a causal network causal.
struct ChannelNormImpl : torch::nn::Module {
  ChannelNormImpl(int64_t channels, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;
  double eps;
};
TORCH_MODULE(ChannelNorm);

// Scaled dot-product attention. q: [B, H, Lq, D]; k, v: [B, H, Lk, D]; key_mask: [B, Lk], true = attend.
// Uses at::scaled_dot_product_attention where libtorch has it (>= 2.0), a plain implementation otherwise.
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& key_mask = {});

// Rotary position embedding over (t, h, w) with the head dimension split per axis, pairs interleaved
// (x[2i], x[2i+1]) as Wan2.1 does. Positions are real numbers, so audio tokens can sit between frames.
class Rope3d {
 public:
  // positions: [N, 3] float (t, h, w) per token. Returns cos and sin tables, each [N, head_dim / 2].
  static std::pair<torch::Tensor, torch::Tensor> tables(const torch::Tensor& positions, std::array<int, 3> dims,
                                                        double theta);
  // x: [B, H, N, D]; cos, sin: [N, D / 2].
  static torch::Tensor apply(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);
};

// Positions of a video token grid (t, h, w integer indices), in token order t-major: [T*H*W, 3].
torch::Tensor grid_positions(int64_t t, int64_t h, int64_t w);

// Sinusoidal embedding of timesteps (Wan's order: cos then sin). t: [B] -> [B, dim].
torch::Tensor sinusoidal_embedding(const torch::Tensor& t, int64_t dim);

// Adaptive layer norm's modulation: x * (1 + scale) + shift, broadcasting [B, 1, C] over tokens.
inline torch::Tensor modulate(const torch::Tensor& x, const torch::Tensor& shift, const torch::Tensor& scale) {
  return x * (1 + scale) + shift;
}

}  // namespace kinema::model

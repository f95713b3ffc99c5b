// The diffusion transformer: spatiotemporal latent patches (plus optional audio tokens) denoised under text
// and timestep conditioning. Shaped after Wan2.1 so its tensor names and config map onto this network:
// strided Conv3d patch embedding, 3D RoPE, RMS-normed q/k, cross-attention to text, GELU(tanh) MLP,
// six-way modulation from a shared timestep projection plus a learned per-block table, two-way head.
//
// Sound is denoised jointly with the picture: audio latent tokens join the video tokens in one sequence,
// share every block's self-attention (so each audio frame can look at the frames around it, as LTX-2's
// audio<->video attention does) and the timestep modulation, and carry RoPE time positions on the same
// clock as the video (seconds mapped to latent-frame units). We chose this over a branch that reads the
// finished video latents because sound generated after the picture tends to drift from the action, and
// because a shared sequence costs a small model only its audio tokens, not a second transformer.
//
// With pooled_text the caption also reaches every block through the modulation: its features, averaged
// over the real tokens, go through an MLP whose last layer starts at zero and are added to the timestep
// embedding, as SD3 adds its pooled text and the DiT paper its class label (adaLN-Zero). Cross-attention
// alone, from a text encoder trained from scratch, left kinema-tiny's DiT ignoring the style and light it
// was asked for after 2300 steps (its loss was 1% lower with its own caption than with another's), while a
// probe that conditioned through the modulation learned sky and floor from captions within 1500 steps.
//
// With scene_channels, guided mode's scene description (the style and the light the world's parser and
// simulation decided) enters the same way, through its own zero-initialised MLP; an undefined input reads
// as "no scene" (free mode).
#pragma once

#include <array>

#include <torch/torch.h>

#include "model/config.h"
#include "model/layers.h"

namespace kinema::model {

struct AttentionImpl : torch::nn::Module {
  AttentionImpl(int64_t dim, int64_t heads, bool qk_norm, double eps);
  // Self-attention when context is undefined (then cos/sin apply RoPE), cross-attention otherwise.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context, const torch::Tensor& context_mask,
                        const torch::Tensor& cos, const torch::Tensor& sin);

  int64_t heads;
  torch::nn::Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr};
  RMSNorm norm_q{nullptr}, norm_k{nullptr};
};
TORCH_MODULE(Attention);

struct DitBlockImpl : torch::nn::Module {
  explicit DitBlockImpl(const DitConfig& config);
  // x: [B, N, C]; e0: [B, 6, C]; context: [B, L, C]; context_mask: [B, L]; cos, sin: [N, head_dim / 2].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& e0, const torch::Tensor& context,
                        const torch::Tensor& context_mask, const torch::Tensor& cos, const torch::Tensor& sin);

  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::AnyModule norm3;
  Attention self_attn{nullptr}, cross_attn{nullptr};
  torch::nn::Sequential ffn{nullptr};
  torch::Tensor modulation;  // [1, 6, C]
};
TORCH_MODULE(DitBlock);

// Final layer: LayerNorm, two-way modulation (shift, scale), linear to patch values.
struct DitHeadImpl : torch::nn::Module {
  DitHeadImpl(int64_t dim, int64_t out_features, double eps);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& e);

  torch::nn::LayerNorm norm{nullptr};
  torch::nn::Linear head{nullptr};
  torch::Tensor modulation;  // [1, 2, C]
};
TORCH_MODULE(DitHead);

struct DitInput {
  torch::Tensor video;         // [B, latent + condition + guide channels, T, H, W]
  torch::Tensor timestep;      // [B], flow time t in [0, 1] (embedded as 1000 t, Wan's scale)
  torch::Tensor context;       // [B, L, text_dim]
  torch::Tensor context_mask;  // [B, L] bool, true = real token
  torch::Tensor audio;         // [B, audio + audio guide channels, Ta], or undefined
  torch::Tensor scene;         // [B, scene_channels]: scene features + "none" flag (model/guidance.h), or undefined
};

struct DitOutput {
  torch::Tensor video;  // [B, latent channels, T, H, W]: predicted velocity (noise - data)
  torch::Tensor audio;  // [B, audio channels, Ta], or undefined
};

struct DitImpl : torch::nn::Module {
  // audio_token_period: the time one audio token spans, in video latent frames (for RoPE positions).
  DitImpl(const DitConfig& config, double audio_token_period);
  DitOutput forward(const DitInput& input);

  DitConfig config;
  double audio_token_period;
  torch::nn::Conv3d patch_embedding{nullptr};
  torch::nn::Sequential text_embedding{nullptr}, time_embedding{nullptr}, time_projection{nullptr};
  torch::nn::Sequential text_pool{nullptr};  // pooled caption -> timestep embedding (pooled_text only)
  torch::nn::Sequential scene_embedding{nullptr};  // scene description -> timestep embedding (scene_channels)
  torch::nn::ModuleList blocks{nullptr};
  DitHead head{nullptr};
  torch::nn::Linear audio_embedding{nullptr};
  DitHead audio_head{nullptr};

  // RoPE positions (t, h, w) of the audio tokens: centred in time, at the middle of the picture.
  torch::Tensor audio_positions(int64_t tokens, std::array<int64_t, 3> video_grid) const;
};
TORCH_MODULE(Dit);

}  // namespace kinema::model

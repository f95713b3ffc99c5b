// The DiT's extra input channels, built the same way for training and for generation.
// - Guide (guided mode): the world's layout render of the clip (flat colours per object kind, colour,
//   material and state; no style, no light), averaged over each latent pixel's cell and folded in time the
//   way the causal VAE folds frames (r frames per latent frame, the first frame alone), plus a flag channel
//   that is 1 when there is no layout (free mode). So dit.guide_channels = 3 r + 1. Partial coverage of a
//   cell keeps where an edge lies inside it, so small things keep their sub-latent-pixel position (the
//   probe in shared/probes/guided-video-dit rendered within 1 px of the simulator with such maps). It costs
//   no network pass, unlike encoding the layout with the VAE.
// - Audio guide: the world's sound events on the audio latent grid, plus the same kind of flag channel.
//   So dit.audio_guide_channels = event channels + 1.
// - Scene (dit.scene_channels): the scene description's style and light (pipeline::scene_features) plus the
//   flag, read through the DiT's modulation rather than as channels.
// - Condition (dit.condition_channels = latent_channels + 1): a mask of held latent frames plus their
//   clean latents, as Wan's image-to-video model takes them.
#pragma once

#include <torch/torch.h>

#include "model/vae.h"

namespace kinema::model {

// layout: [B, 3, F, H, W] in [-1, 1] with F = 1 + r (T - 1), or undefined for free mode. like: the noisy
// latents [B, C, T, h, w]. keep: [B] bool, false drops a sample's layout (guidance dropout in training);
// undefined keeps all. Returns [B, 3 r + 1, T, h, w].
torch::Tensor video_guide(const torch::Tensor& layout, const torch::Tensor& like, int64_t temporal_downsample,
                          const torch::Tensor& keep = {});

// events: [B, E, Ta] or undefined; like: the noisy audio latents [B, Ca, Ta]; channels = E + 1.
torch::Tensor audio_guide(const torch::Tensor& events, const torch::Tensor& like, int64_t channels,
                          const torch::Tensor& keep = {});

// features: [B, S] or undefined; returns [B, S + 1] = [features * keep, 1 - keep] (all flags when undefined:
// batch rows of zeros with the flag).
torch::Tensor scene_guide(const torch::Tensor& features, int64_t batch, int64_t channels, const torch::Tensor& keep = {});

// held: [B, C, k, h, w] clean latents of the first k frames (k may be 0 / undefined); like: [B, C, T, h, w].
torch::Tensor condition_input(const torch::Tensor& held, const torch::Tensor& like);

}  // namespace kinema::model

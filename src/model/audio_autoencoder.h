// The audio autoencoder: normalised log-mel frames <-> audio latents on a fine time grid (one latent per
// `downsample` mel frames), 1-D convolutions over time.
#pragma once

#include <torch/torch.h>

#include "model/config.h"
#include "model/layers.h"
#include "model/vae.h"

namespace kinema::model {

struct ResBlock1dImpl : torch::nn::Module {
  ResBlock1dImpl(int64_t channels, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  ChannelNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::Conv1d conv1{nullptr}, conv2{nullptr};
};
TORCH_MODULE(ResBlock1d);

struct AudioAutoencoderImpl : torch::nn::Module {
  explicit AudioAutoencoderImpl(const AudioConfig& config);

  // mel: [B, n_mels, Tm] normalised log-mel, Tm a multiple of downsample -> latent distribution [B, C, Tm / d].
  LatentDistribution encode(const torch::Tensor& mel);
  // z: [B, C, Ta] raw latents -> [B, n_mels, Ta * d].
  torch::Tensor decode(const torch::Tensor& z);

  torch::Tensor normalize(const torch::Tensor& z) const;
  torch::Tensor denormalize(const torch::Tensor& z) const;

  AudioConfig config;
  torch::nn::Conv1d encoder_in{nullptr};
  torch::nn::Sequential encoder_blocks{nullptr};
  torch::nn::Conv1d encoder_down{nullptr};
  ChannelNorm encoder_norm{nullptr};
  torch::nn::Conv1d encoder_out{nullptr};
  torch::nn::Conv1d decoder_in{nullptr};
  torch::nn::ConvTranspose1d decoder_up{nullptr};
  torch::nn::Sequential decoder_blocks{nullptr};
  ChannelNorm decoder_norm{nullptr};
  torch::nn::Conv1d decoder_out{nullptr};
  torch::Tensor latent_mean, latent_std;  // buffers, [C]
};
TORCH_MODULE(AudioAutoencoder);

}  // namespace kinema::model

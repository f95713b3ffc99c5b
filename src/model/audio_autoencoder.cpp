// The audio autoencoder.
#include "model/audio_autoencoder.h"

namespace kinema::model {
namespace nn = torch::nn;

ResBlock1dImpl::ResBlock1dImpl(int64_t channels, double eps) {
  norm1 = register_module("norm1", ChannelNorm(channels, eps));
  conv1 = register_module("conv1", nn::Conv1d(nn::Conv1dOptions(channels, channels, 3).padding(1)));
  norm2 = register_module("norm2", ChannelNorm(channels, eps));
  conv2 = register_module("conv2", nn::Conv1d(nn::Conv1dOptions(channels, channels, 3).padding(1)));
}

torch::Tensor ResBlock1dImpl::forward(const torch::Tensor& x) {
  auto h = conv1(torch::silu(norm1(x)));
  h = conv2(torch::silu(norm2(h)));
  return x + h;
}

AudioAutoencoderImpl::AudioAutoencoderImpl(const AudioConfig& c) : config(c) {
  const int64_t hidden = c.hidden, d = c.downsample;
  encoder_in = register_module("encoder_in", nn::Conv1d(nn::Conv1dOptions(c.n_mels, hidden, 3).padding(1)));
  encoder_blocks = register_module("encoder_blocks", nn::Sequential());
  for (int j = 0; j < c.res_blocks; ++j) encoder_blocks->push_back(ResBlock1d(hidden, c.eps));
  if (d > 1) encoder_down = register_module("encoder_down", nn::Conv1d(nn::Conv1dOptions(hidden, hidden, d).stride(d)));
  encoder_norm = register_module("encoder_norm", ChannelNorm(hidden, c.eps));
  encoder_out = register_module("encoder_out", nn::Conv1d(nn::Conv1dOptions(hidden, 2 * c.latent_channels, 1)));

  decoder_in = register_module("decoder_in", nn::Conv1d(nn::Conv1dOptions(c.latent_channels, hidden, 1)));
  if (d > 1)
    decoder_up = register_module("decoder_up", nn::ConvTranspose1d(nn::ConvTranspose1dOptions(hidden, hidden, d).stride(d)));
  decoder_blocks = register_module("decoder_blocks", nn::Sequential());
  for (int j = 0; j < c.res_blocks; ++j) decoder_blocks->push_back(ResBlock1d(hidden, c.eps));
  decoder_norm = register_module("decoder_norm", ChannelNorm(hidden, c.eps));
  decoder_out = register_module("decoder_out", nn::Conv1d(nn::Conv1dOptions(hidden, c.n_mels, 3).padding(1)));

  latent_mean = register_buffer("latent_mean", torch::zeros({c.latent_channels}));
  latent_std = register_buffer("latent_std", torch::ones({c.latent_channels}));
}

LatentDistribution AudioAutoencoderImpl::encode(const torch::Tensor& mel) {
  auto x = encoder_in(mel.to(encoder_in->weight.scalar_type()));
  if (!encoder_blocks->is_empty()) x = encoder_blocks->forward(x);
  if (encoder_down) x = encoder_down(x);
  const auto moments = encoder_out(torch::silu(encoder_norm(x))).chunk(2, 1);
  return {moments[0], moments[1].clamp(-30.0, 20.0)};
}

torch::Tensor AudioAutoencoderImpl::decode(const torch::Tensor& z) {
  auto x = decoder_in(z.to(decoder_in->weight.scalar_type()));
  if (decoder_up) x = decoder_up(x);
  if (!decoder_blocks->is_empty()) x = decoder_blocks->forward(x);
  return decoder_out(torch::silu(decoder_norm(x)));
}

torch::Tensor AudioAutoencoderImpl::normalize(const torch::Tensor& z) const {
  return (z - latent_mean.view({1, -1, 1})) / latent_std.view({1, -1, 1});
}

torch::Tensor AudioAutoencoderImpl::denormalize(const torch::Tensor& z) const {
  return z * latent_std.view({1, -1, 1}) + latent_mean.view({1, -1, 1});
}

}  // namespace kinema::model

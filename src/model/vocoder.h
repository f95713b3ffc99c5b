// The mel front end and the vocoder: waveform -> normalised log-mel frames (STFT + mel filterbank), and
// back with Griffin-Lim phase recovery (fast Griffin-Lim, Perraudin et al. 2013) through torch's stft/istft,
// started from the phase the magnitude's slopes imply and with attacks kept sharp (AudioConfig::phase,
// sharpen_attacks; vocoder.cpp).
#pragma once

#include <torch/torch.h>

#include "model/config.h"

namespace kinema::model {

class MelVocoder {
 public:
  MelVocoder(const AudioConfig& config, int sample_rate);

  // wave: [B, S] -> normalised log-mel [B, n_mels, S / hop] (one frame per hop, starting at t = 0).
  torch::Tensor analyze(const torch::Tensor& wave) const;
  // mel: [B, n_mels, T] normalised log-mel -> wave [B, samples]. `generator` draws the random starting phase
  // (with phase "gradient": only where the magnitude is too faint to have slopes).
  torch::Tensor synthesize(const torch::Tensor& mel, int64_t samples, torch::Generator generator) const;

  // The triangular mel filterbank, [n_mels, n_fft / 2 + 1] (HTK mel scale, Slaney area normalisation).
  const torch::Tensor& filterbank() const { return filterbank_; }

 private:
  torch::Tensor stft(const torch::Tensor& wave) const;
  torch::Tensor istft(const torch::Tensor& spec, int64_t samples) const;

  AudioConfig config_;
  int sample_rate_;
  torch::Tensor window_;
  torch::Tensor filterbank_;
  torch::Tensor inverse_filterbank_;
};

}  // namespace kinema::model

// The mel front end and the Griffin-Lim vocoder.
#include "model/vocoder.h"

#include <cmath>

namespace kinema::model {
namespace {

double hz_to_mel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double mel_to_hz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

torch::Tensor make_filterbank(const AudioConfig& c, int sample_rate) {
  const int64_t bins = c.n_fft / 2 + 1;
  const double mel_lo = hz_to_mel(c.f_min), mel_hi = hz_to_mel(c.f_max);
  std::vector<double> edges(c.n_mels + 2);
  for (int i = 0; i < c.n_mels + 2; ++i) edges[i] = mel_to_hz(mel_lo + (mel_hi - mel_lo) * i / (c.n_mels + 1));
  auto fb = torch::zeros({c.n_mels, bins}, torch::kDouble);
  auto a = fb.accessor<double, 2>();
  for (int m = 0; m < c.n_mels; ++m) {
    const double lo = edges[m], mid = edges[m + 1], hi = edges[m + 2];
    const double norm = 2.0 / (hi - lo);
    for (int64_t k = 0; k < bins; ++k) {
      const double f = static_cast<double>(k) * sample_rate / c.n_fft;
      const double up = (f - lo) / (mid - lo), down = (hi - f) / (hi - mid);
      a[m][k] = std::max(0.0, std::min(up, down)) * norm;
    }
  }
  return fb.to(torch::kFloat);
}

}  // namespace

MelVocoder::MelVocoder(const AudioConfig& config, int sample_rate) : config_(config), sample_rate_(sample_rate) {
  window_ = torch::hann_window(config.n_fft, torch::TensorOptions().dtype(torch::kFloat));
  filterbank_ = make_filterbank(config, sample_rate);
  inverse_filterbank_ = torch::pinverse(filterbank_.to(torch::kDouble)).to(torch::kFloat);
}

torch::Tensor MelVocoder::stft(const torch::Tensor& wave) const {
  return torch::stft(wave, config_.n_fft, config_.hop, config_.n_fft, window_.to(wave.device()), /*center=*/true,
                     "reflect", /*normalized=*/false, /*onesided=*/true, /*return_complex=*/true);
}

torch::Tensor MelVocoder::istft(const torch::Tensor& spec, int64_t samples) const {
  return torch::istft(spec, config_.n_fft, config_.hop, config_.n_fft, window_.to(spec.device()), /*center=*/true,
                      /*normalized=*/false, /*onesided=*/true, samples, /*return_complex=*/false);
}

torch::Tensor MelVocoder::analyze(const torch::Tensor& wave) const {
  const auto w = wave.to(torch::kFloat);
  const int64_t frames = w.size(1) / config_.hop;
  const auto magnitude = stft(w).abs().narrow(2, 0, frames);  // [B, bins, frames]
  const auto mel = torch::matmul(filterbank_.to(w.device()), magnitude);
  return (torch::log(mel.clamp_min(1e-5)) - config_.log_mel_mean) / config_.log_mel_std;
}

torch::Tensor MelVocoder::synthesize(const torch::Tensor& mel_in, int64_t samples, torch::Generator generator) const {
  const auto device = mel_in.device();
  const auto mel = torch::exp(mel_in.to(torch::kFloat) * config_.log_mel_std + config_.log_mel_mean);
  auto magnitude = torch::matmul(inverse_filterbank_.to(device), mel).clamp_min(0.0);  // [B, bins, T]
  // stft with centring makes samples / hop + 1 frames: match that count by repeating or trimming.
  const int64_t needed = samples / config_.hop + 1;
  if (magnitude.size(2) < needed) {
    const auto last = magnitude.narrow(2, magnitude.size(2) - 1, 1);
    magnitude = torch::cat({magnitude, last.expand({-1, -1, needed - magnitude.size(2)})}, 2);
  }
  magnitude = magnitude.narrow(2, 0, needed);

  const auto phase = torch::rand(magnitude.sizes(), generator, torch::TensorOptions().dtype(torch::kFloat)).to(device);
  auto angles = torch::polar(torch::ones_like(magnitude), phase * (2.0 * M_PI));
  const double momentum = 0.99;
  torch::Tensor previous;
  for (int i = 0; i < config_.griffin_lim_iterations; ++i) {
    const auto rebuilt = stft(istft(magnitude * angles, samples));
    angles = previous.defined() ? rebuilt - previous * (momentum / (1.0 + momentum)) : rebuilt;
    angles = angles / (angles.abs() + 1e-16);
    previous = rebuilt;
  }
  return istft(magnitude * angles, samples);
}

}  // namespace kinema::model

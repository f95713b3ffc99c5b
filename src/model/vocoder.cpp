// The mel front end and the Griffin-Lim vocoder.
#include "model/vocoder.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <utility>
#include <vector>

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

// Phase from the magnitude alone, by phase-gradient heap integration (Prusa, Balazs and Sondergaard, "A
// noniterative method for reconstruction of phase from STFT magnitude", 2017). For a Gaussian window
// g(t) = exp(-pi t^2 / lambda) the STFT's log-magnitude and phase are linked: with the phase measured from
// each window's centre, d(phase)/dt = 2 pi f + (1 / lambda) d(log mag)/df and d(phase)/df = -lambda
// d(log mag)/dt (a click: phase linear in frequency, centred on the click; a tone: phase turning at its
// frequency). So the phase's slope along time follows from the log-magnitude's slope along frequency and
// its slope along frequency from that along time; integrating the slopes outwards from the strongest
// coefficients first gives clicks a sharp attack at the right sample and tones a steady pitch, where
// Griffin-Lim from random phase smears an impact over its 32 ms window. The Hann window is taken as the
// Gaussian with lambda = 0.25645 n_fft^2 (the paper's fit). magnitude: [bins, T] on the CPU; returns the
// phase [bins, T] as torch.stft measures it (from each frame's first sample), random where the magnitude is
// under 1e-5 of its largest.
torch::Tensor gradient_phase(const torch::Tensor& magnitude, int64_t n_fft, int64_t hop, torch::Generator generator) {
  const auto mag = magnitude.to(torch::kFloat).contiguous();
  const int64_t bins = mag.size(0), frames = mag.size(1);
  auto phase = torch::rand({bins, frames}, generator, torch::TensorOptions().dtype(torch::kFloat)) * (2.0 * M_PI);
  auto* out = phase.data_ptr<float>();
  const float* a = mag.data_ptr<float>();
  const float largest = mag.numel() > 0 ? mag.max().item<float>() : 0.0f;
  if (!std::isfinite(largest) || largest <= 0.0f || frames < 2 || bins < 2) return phase;  // silent or broken
  const double floor = 1e-5 * largest;
  const auto at = [frames](int64_t k, int64_t m) { return k * frames + m; };
  std::vector<double> s(static_cast<size_t>(bins * frames));
  for (int64_t i = 0; i < bins * frames; ++i) s[i] = std::log(std::max<double>(a[i], floor));

  const double n = static_cast<double>(n_fft), lambda = 0.25645 * n * n;
  std::vector<double> along_time(s.size()), along_frequency(s.size());  // phase change per frame and per bin
  for (int64_t k = 0; k < bins; ++k)
    for (int64_t m = 0; m < frames; ++m) {
      const int64_t k0 = std::max<int64_t>(0, k - 1), k1 = std::min(bins - 1, k + 1);
      const int64_t m0 = std::max<int64_t>(0, m - 1), m1 = std::min(frames - 1, m + 1);
      const double ds_dk = (s[at(k1, m)] - s[at(k0, m)]) / static_cast<double>(k1 - k0);
      const double ds_dm = (s[at(k, m1)] - s[at(k, m0)]) / static_cast<double>(m1 - m0);
      // Per sample and per cycle-per-sample: d/df = n d/dk, d/dt = d/dm / hop.
      along_time[at(k, m)] = hop * (2.0 * M_PI * k / n + n / lambda * ds_dk);
      along_frequency[at(k, m)] = -lambda / (n * hop) * ds_dm;
    }

  std::vector<double> centred(s.size(), 0.0);
  std::vector<char> done(s.size(), 0);
  for (size_t i = 0; i < s.size(); ++i) done[i] = a[i] <= floor;  // too quiet: keeps its random phase
  std::vector<std::pair<double, int64_t>> order;
  for (int64_t i = 0; i < bins * frames; ++i)
    if (!done[i]) order.emplace_back(s[i], i);
  std::sort(order.begin(), order.end(), std::greater<>());
  std::priority_queue<std::pair<double, int64_t>> heap;
  for (const auto& [level, start] : order) {
    if (done[start]) continue;
    done[start] = 1;  // a new island: its strongest coefficient sets the phase (0)
    heap.emplace(level, start);
    while (!heap.empty()) {
      const int64_t i = heap.top().second;
      heap.pop();
      const int64_t k = i / frames, m = i % frames;
      const auto reach = [&](int64_t kk, int64_t mm, double step) {
        const int64_t j = at(kk, mm);
        if (done[j]) return;
        done[j] = 1;
        centred[j] = centred[i] + step;
        heap.emplace(s[j], j);
      };
      if (m + 1 < frames) reach(k, m + 1, 0.5 * (along_time[i] + along_time[at(k, m + 1)]));
      if (m > 0) reach(k, m - 1, -0.5 * (along_time[i] + along_time[at(k, m - 1)]));
      if (k + 1 < bins) reach(k + 1, m, 0.5 * (along_frequency[i] + along_frequency[at(k + 1, m)]));
      if (k > 0) reach(k - 1, m, -0.5 * (along_frequency[i] + along_frequency[at(k - 1, m)]));
    }
  }
  // From the window's centre to torch's frame start: the centre lies n / 2 samples in, e^{-i pi k}.
  for (int64_t k = 0; k < bins; ++k)
    for (int64_t m = 0; m < frames; ++m)
      if (a[at(k, m)] > floor) out[at(k, m)] = static_cast<float>(std::remainder(centred[at(k, m)] - M_PI * k, 2.0 * M_PI));
  return phase;
}

// Attacks, restored. A mel frame spans n_fft samples (32 ms), so even with consistent phase an impact that
// starts in a bed of noise (ambience, a roll) comes out of the inverse STFT with its first frames' share of it
// spread back over up to a window before it: the sound swells over 10-30 ms instead of striking (pre-echo,
// as in transform codecs). Where the mel rises sharply across the bands (a mean rise at least kAttackRise dB
// over the recent median, a peak among its neighbours), the synthesized sound in the window before the
// attack is held down to the bed's level (the median millisecond of the hop before that window) up to where
// the sound first reaches half its peak amplitude, so the attack strikes there. A sound that ends less than
// a window before a hit (the ring of a bounce 20 ms earlier) is held down with the swell.
// wave: [samples]; mel: linear mel magnitudes [n_mels, T], frame m centred at sample m * hop.
constexpr double kAttackRise = 3.0;  // dB, mean over the bands, one frame to the next, over the recent median

void sharpen_attacks(torch::Tensor& wave, const torch::Tensor& mel, int64_t n_fft, int64_t hop) {
  const auto m_db = (20.0 * torch::log10(mel.to(torch::kFloat).clamp_min(1e-6))).contiguous();
  const int64_t bands = m_db.size(0), frames = m_db.size(1), samples = wave.size(0);
  if (frames < 4 || samples < 2 * n_fft) return;
  const auto db = m_db.accessor<float, 2>();
  std::vector<double> rise(frames, 0.0);
  for (int64_t m = 1; m < frames; ++m) {
    double sum = 0;
    for (int64_t b = 0; b < bands; ++b) sum += std::max(0.0f, db[b][m] - db[b][m - 1]);
    rise[m] = sum / bands;
  }
  float* x = wave.data_ptr<float>();
  // Mean energy over hop / 10 samples around each sample (1 ms at 16 kHz and a 10 ms hop), from prefix sums.
  const int64_t half = std::max<int64_t>(1, hop / 20);
  std::vector<double> prefix(samples + 1, 0.0);
  for (int64_t i = 0; i < samples; ++i) prefix[i + 1] = prefix[i] + static_cast<double>(x[i]) * x[i];
  const auto energy = [&](int64_t i) {
    const int64_t a = std::clamp<int64_t>(i - half, 0, samples), b = std::clamp<int64_t>(i + half, 0, samples);
    return b > a ? (prefix[b] - prefix[a]) / static_cast<double>(b - a) : 0.0;
  };
  std::vector<float> gain(samples, 1.0f);
  for (int64_t m = 4; m + 1 < frames; ++m) {
    std::vector<double> recent(rise.begin() + std::max<int64_t>(1, m - 10), rise.begin() + m - 1);
    std::nth_element(recent.begin(), recent.begin() + recent.size() / 2, recent.end());
    if (rise[m] - recent[recent.size() / 2] < kAttackRise || rise[m] < rise[m - 1] || rise[m] < rise[m + 1]) continue;
    // The first frame to rise sees the attack anywhere in its window: the peak lies within half a window
    // (and a hop) after its centre, the strike where the sound first reaches a quarter of that energy.
    const int64_t centre = m * hop;
    double peak = 0;
    int64_t peak_at = -1;
    for (int64_t i = std::max<int64_t>(0, centre - n_fft / 2); i < std::min(samples, centre + n_fft / 2 + hop); ++i) {
      const double e = energy(i);
      if (e > peak) peak = e, peak_at = i;
    }
    if (peak_at < 0) continue;
    int64_t strike = peak_at;
    while (strike > std::max<int64_t>(1, centre - n_fft / 2 - hop) && energy(strike - 1) >= 0.25 * peak) --strike;
    // The bed: the median millisecond of the hop before the swell can start (a window before the strike).
    std::vector<double> bed_levels;
    for (int64_t i = std::max<int64_t>(0, strike - n_fft - hop); i < strike - n_fft; i += half) bed_levels.push_back(energy(i));
    if (bed_levels.empty()) continue;  // too near the start to know the bed
    std::nth_element(bed_levels.begin(), bed_levels.begin() + bed_levels.size() / 2, bed_levels.end());
    const double bed = bed_levels[bed_levels.size() / 2];
    if (!(peak > 4.0 * bed)) continue;  // not 6 dB over the bed: nothing to sharpen
    for (int64_t i = strike - 1; i >= std::max<int64_t>(0, strike - n_fft); --i) {
      const double e = energy(i);
      if (e > bed) gain[i] = std::min(gain[i], static_cast<float>(std::sqrt(bed / e)));
    }
  }
  for (int64_t i = 0; i < samples; ++i) x[i] *= gain[i];
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

  torch::Tensor phase;
  if (config_.phase == "gradient") {
    const auto on_cpu = magnitude.to(torch::kCPU);
    std::vector<torch::Tensor> rows;
    for (int64_t b = 0; b < on_cpu.size(0); ++b) rows.push_back(gradient_phase(on_cpu[b], config_.n_fft, config_.hop, generator));
    phase = torch::stack(rows).to(device);
  } else {
    phase = (torch::rand(magnitude.sizes(), generator, torch::TensorOptions().dtype(torch::kFloat)) * (2.0 * M_PI)).to(device);
  }
  auto angles = torch::polar(torch::ones_like(magnitude), phase);
  const double momentum = 0.99;
  torch::Tensor previous;
  for (int i = 0; i < config_.griffin_lim_iterations; ++i) {
    const auto rebuilt = stft(istft(magnitude * angles, samples));
    angles = previous.defined() ? rebuilt - previous * (momentum / (1.0 + momentum)) : rebuilt;
    angles = angles / (angles.abs() + 1e-16);
    previous = rebuilt;
  }
  auto wave = istft(magnitude * angles, samples);
  if (config_.sharpen_attacks) {
    wave = wave.to(torch::kCPU).contiguous();
    const auto mel_cpu = mel.to(torch::kCPU);
    for (int64_t b = 0; b < wave.size(0); ++b) {
      auto row = wave[b];
      sharpen_attacks(row, mel_cpu[b], config_.n_fft, config_.hop);
    }
    wave = wave.to(device);
  }
  return wave;
}

}  // namespace kinema::model

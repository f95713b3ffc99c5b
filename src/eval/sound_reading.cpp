// Onsets and floor guesses from the sound.
#include "eval/sound_reading.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <map>
#include <mutex>

namespace kinema::eval {
namespace {

constexpr double kPi = 3.14159265358979323846;

// In-place radix-2 FFT (Cooley-Tukey); size a power of two.
void fft(std::vector<std::complex<double>>& a) {
  const size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    const std::complex<double> w = std::polar(1.0, -2 * kPi / static_cast<double>(len));
    for (size_t i = 0; i < n; i += len) {
      std::complex<double> z(1, 0);
      for (size_t k = 0; k < len / 2; ++k, z *= w) {
        const auto u = a[i + k], v = a[i + k + len / 2] * z;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
      }
    }
  }
}

constexpr int kBands = 7;
constexpr double kBandEdges[kBands + 1] = {40, 120, 250, 500, 1000, 2000, 4000, 8000};
constexpr int kFeatures = kBands + 3 + 3;

// The floor modes the world's sound rings with (sound.cpp, modes_of, at pitch 1): wood knocks, metal rings,
// ice pings. How far each set stands out of the spectrum tells them apart when the band shape does not.
constexpr double kWoodModes[] = {190, 480, 1150, 2400};
constexpr double kMetalModes[] = {620, 1480, 2710, 4150, 5600};
constexpr double kIceModes[] = {900, 2300, 4700};

// Mean height (log10 power) of the spectrum at a set of frequencies over its neighbourhood's median.
template <size_t N>
double mode_peaks(const std::vector<double>& logp, int rate, size_t n, const double (&modes)[N]) {
  double sum = 0;
  int count = 0;
  for (double f : modes) {
    if (f >= 0.45 * rate) continue;
    const auto bin = [&](double hz) { return static_cast<size_t>(std::clamp(hz * n / rate, 1.0, n / 2.0 - 1)); };
    double peak = -1e9;
    for (size_t b = bin(f * 0.985); b <= bin(f * 1.015); ++b) peak = std::max(peak, logp[b]);
    std::vector<double> around;
    for (size_t b = bin(f * 0.8); b <= bin(f * 1.2); ++b)
      if (b < bin(f * 0.96) || b > bin(f * 1.04)) around.push_back(logp[b]);
    if (around.empty()) continue;
    std::nth_element(around.begin(), around.begin() + around.size() / 2, around.end());
    sum += peak - around[around.size() / 2];
    ++count;
  }
  return count > 0 ? sum / count : 0.0;
}

// Energy per second in each band over samples [from, to).
std::array<double, kBands> band_energy(const std::vector<float>& x, int rate, int64_t from, int64_t to) {
  std::array<double, kBands> out{};
  from = std::max<int64_t>(0, from);
  to = std::min<int64_t>(static_cast<int64_t>(x.size()), to);
  if (to - from < 8) return out;
  size_t n = 1;
  while (n < static_cast<size_t>(to - from)) n <<= 1;
  std::vector<std::complex<double>> a(n, 0.0);
  for (int64_t i = from; i < to; ++i) a[i - from] = x[i];
  fft(a);
  for (size_t k = 1; k < n / 2; ++k) {
    const double f = static_cast<double>(k) * rate / n;
    for (int b = 0; b < kBands; ++b)
      if (f >= kBandEdges[b] && f < kBandEdges[b + 1]) out[b] += std::norm(a[k]);
  }
  const double seconds = static_cast<double>(to - from) / rate;
  for (double& e : out) e = 2 * e / n / seconds;
  return out;
}

using Features = std::array<double, kFeatures>;

// Spectral shape of the first 60 ms (log band energies about their mean) and decay over the next 180 ms in
// three broad bands, with the background of the 70 ms before subtracted.
Features features_at(const std::vector<float>& x, int rate, double time) {
  const int64_t at = static_cast<int64_t>(std::llround(time * rate));
  const auto ms = [&](double m) { return static_cast<int64_t>(std::llround(m * rate / 1000.0)); };
  const auto before = band_energy(x, rate, at - ms(78), at - ms(8));
  const auto attack = band_energy(x, rate, at, at + ms(60));
  const auto ring = band_energy(x, rate, at + ms(60), at + ms(240));
  Features f{};
  std::array<double, kBands> a{}, r{};
  for (int b = 0; b < kBands; ++b) {
    a[b] = std::max(attack[b] - before[b], 1e-3 * attack[b] + 1e-12);
    r[b] = std::max(ring[b] - before[b], 1e-3 * ring[b] + 1e-12);
  }
  double mean = 0;
  for (int b = 0; b < kBands; ++b) mean += std::log10(a[b]) / kBands;
  for (int b = 0; b < kBands; ++b) f[b] = std::log10(a[b]) - mean;
  const int broad[4] = {0, 3, 5, kBands};
  for (int k = 0; k < 3; ++k) {
    double ea = 0, er = 0;
    for (int b = broad[k]; b < broad[k + 1]; ++b) {
      ea += a[b];
      er += r[b];
    }
    f[kBands + k] = std::log10(er / ea);
  }
  // The ring: 200 ms from just after the hit, Hann-windowed.
  const int64_t from = at + ms(5), to = std::min<int64_t>(at + ms(205), static_cast<int64_t>(x.size()));
  if (to - from > 64) {
    size_t n = 1;
    while (n < static_cast<size_t>(to - from)) n <<= 1;
    std::vector<std::complex<double>> a(n, 0.0);
    for (int64_t i = from; i < to; ++i)
      a[i - from] = x[i] * (0.5 - 0.5 * std::cos(2 * kPi * (i - from + 0.5) / (to - from)));
    fft(a);
    std::vector<double> logp(n / 2);
    for (size_t b = 0; b < n / 2; ++b) logp[b] = std::log10(std::norm(a[b]) + 1e-20);
    f[kBands + 3] = mode_peaks(logp, rate, n, kWoodModes);
    f[kBands + 4] = mode_peaks(logp, rate, n, kMetalModes);
    f[kBands + 5] = mode_peaks(logp, rate, n, kIceModes);
  }
  return f;
}

struct Prototypes {
  std::array<Features, world::kGroundMaterials> mean{};
  Features spread{};
};

// Impacts the world makes on each floor: balls of three sizes and a box dropped onto it (a puddle on wood
// for water), sound events only.
Prototypes make_prototypes() {
  using namespace world;
  std::array<std::vector<Features>, kGroundMaterials> samples;
  for (int m = 0; m < kGroundMaterials; ++m) {
    const auto material = static_cast<Material>(m);
    for (int variant = 0; variant < 4; ++variant) {
      Scene s;
      s.seed = 97 + variant;
      s.ground = material == Material::water ? Material::wood : material;
      if (material == Material::water) s.patches.push_back({Material::water, -1.5, 1.5});
      Object o;
      o.id = 0;
      o.kind = variant < 3 ? Kind::ball : Kind::box;
      o.size = variant < 3 ? static_cast<Size>(variant) : Size::medium;
      o.action = Action::drop;
      o.height = variant < 3 ? 1.6 : 1.0;
      s.objects.push_back(o);
      const Trace trace = simulate(s);
      SoundOptions options;
      options.ambience = false;
      const std::vector<float> sound = synthesize_sound(s, trace, options);
      for (const SoundEvent& e : trace.events) {
        if ((e.kind != SoundKind::impact && e.kind != SoundKind::splash) || e.other_object >= 0 || e.object != 0) continue;
        if (e.speed < 1.0) continue;
        samples[m].push_back(features_at(sound, s.format.sample_rate, static_cast<double>(e.sample) / s.format.sample_rate));
      }
    }
  }
  Prototypes p;
  Features var{};
  int count = 0;
  for (int m = 0; m < kGroundMaterials; ++m) {
    for (const Features& f : samples[m])
      for (int k = 0; k < kFeatures; ++k) p.mean[m][k] += f[k] / std::max<size_t>(1, samples[m].size());
    for (const Features& f : samples[m]) {
      for (int k = 0; k < kFeatures; ++k) var[k] += std::pow(f[k] - p.mean[m][k], 2);
      ++count;
    }
  }
  for (int k = 0; k < kFeatures; ++k) p.spread[k] = std::max(0.15, std::sqrt(var[k] / std::max(1, count)));
  return p;
}

const Prototypes& prototypes() {
  static std::once_flag once;
  static Prototypes p;
  std::call_once(once, [] { p = make_prototypes(); });
  return p;
}

}  // namespace

std::vector<float> mono_of(const media::Clip& clip) {
  const int c = std::max(1, clip.channels);
  std::vector<float> out(static_cast<size_t>(clip.audio_samples()));
  for (size_t i = 0; i < out.size(); ++i) {
    double sum = 0;
    for (int k = 0; k < c; ++k) sum += clip.audio[i * c + k];
    out[i] = static_cast<float>(sum / c);
  }
  return out;
}

std::vector<Onset> find_onsets(const std::vector<float>& x, int rate) {
  std::vector<Onset> out;
  if (rate <= 0 || x.size() < 64) return out;
  // Log spectral flux (Bello et al. 2005): the mean rise in dB across frequency bins from one 4 ms frame to
  // the next, 1 ms apart. A hit is broadband, so it rises in every bin even over a ring still sounding in a
  // few; noise and decaying rings do not.
  size_t n = 1;
  while (n < static_cast<size_t>(0.004 * rate)) n <<= 1;
  const int hop = std::max(1, rate / 1000);
  const size_t frames = x.size() > n ? (x.size() - n) / hop + 1 : 0;
  // The world's sounds lie below 8 kHz (16 kHz sampling); above that a resampled or coded track holds only
  // artefacts.
  const size_t bins = std::max<size_t>(4, std::min<size_t>(n / 2, static_cast<size_t>(8000.0 * n / rate)));
  std::vector<double> window(n), flux(frames, 0.0), energy(frames, 0.0);
  for (size_t i = 0; i < n; ++i) window[i] = 0.5 - 0.5 * std::cos(2 * kPi * (i + 0.5) / n);
  std::vector<double> previous(bins, -100.0), current(bins);
  std::vector<std::complex<double>> a(n);
  double loudest = 0;
  for (size_t k = 0; k < frames; ++k) {
    for (size_t i = 0; i < n; ++i) a[i] = x[k * hop + i] * window[i];
    fft(a);
    double e = 0;
    for (size_t b = 1; b <= bins; ++b) {
      const double power = std::norm(a[b < n ? b : 0]);
      e += power;
      current[b - 1] = 10 * std::log10(power + 1e-12);
    }
    energy[k] = e;
    loudest = std::max(loudest, e);
    double rise = 0;
    for (size_t b = 0; b < bins; ++b) rise += std::max(0.0, current[b] - std::max(previous[b], -100.0));
    flux[k] = k > 0 ? rise / bins : 0.0;
    previous.swap(current);
  }
  const double quiet = 1e-6 * loudest;
  std::vector<double> recent;
  size_t last = 0;
  bool any = false;
  for (size_t k = 50; k + 3 < frames; ++k) {
    recent.assign(flux.begin() + (k - 50), flux.begin() + (k - 5));
    std::nth_element(recent.begin(), recent.begin() + recent.size() / 2, recent.end());
    const double novelty = flux[k] - recent[recent.size() / 2];
    if (novelty < 4.0 || energy[k + 2] < quiet) continue;
    bool peak = true;
    for (size_t j = k - 3; j <= k + 3 && peak; ++j) peak = j == k || flux[j] < flux[k] || (j > k && flux[j] <= flux[k]);
    if (!peak) continue;
    if (any && k - last < 10) continue;
    // Place it to the sample: where the change of the signal (RMS over half a millisecond) first reaches half
    // its peak in the next 30 ms. A lossy codec's pre-echo (AAC smears a hit up to a block earlier) stays
    // well under half the hit itself.
    const int half = std::max(1, rate / 4000);
    const int64_t from = std::max<int64_t>(half + 1, static_cast<int64_t>(k * hop) - 2 * hop);
    const int64_t to = std::min<int64_t>(static_cast<int64_t>(k * hop) + 30 * hop, static_cast<int64_t>(x.size()) - half);
    std::vector<double> envelope;
    for (int64_t i = from; i < to; ++i) {
      double e = 0;
      for (int64_t j = i - half; j < i + half; ++j) e += std::pow(static_cast<double>(x[j] - x[j - 1]), 2);
      envelope.push_back(e);
    }
    int64_t at = static_cast<int64_t>(k * hop);
    if (!envelope.empty()) {
      const double top = *std::max_element(envelope.begin(), envelope.end());
      for (size_t i = 0; i < envelope.size(); ++i)
        if (envelope[i] >= 0.25 * top) {  // half the RMS: a quarter of the energy
          at = from + static_cast<int64_t>(i);
          break;
        }
    }
    Onset o;
    o.time = static_cast<double>(at) / rate;
    o.rise_db = novelty;
    o.level = energy[std::min(frames - 1, k + 2)] / n;
    out.push_back(o);
    last = k;
    any = true;
  }
  return out;
}

FloorGuess guess_floor(const std::vector<float>& mono, int rate, double time) {
  const Prototypes& p = prototypes();
  const Features f = features_at(mono, rate, time);
  FloorGuess g;
  std::array<double, world::kGroundMaterials> d2{};
  for (int m = 0; m < world::kGroundMaterials; ++m)
    for (int k = 0; k < kFeatures; ++k) d2[m] += std::pow((f[k] - p.mean[m][k]) / p.spread[k], 2);
  const double best = *std::min_element(d2.begin(), d2.end());
  double sum = 0;
  // A tempered likelihood: the features are not independent, so each counts for a quarter.
  for (int m = 0; m < world::kGroundMaterials; ++m) sum += g.probability[m] = std::exp(-0.125 * (d2[m] - best));
  for (double& v : g.probability) v /= sum;
  const int top = static_cast<int>(std::max_element(g.probability.begin(), g.probability.end()) - g.probability.begin());
  g.material = static_cast<world::Material>(top);
  g.confidence = g.probability[top];
  return g;
}

FloorGuess combine(const std::vector<FloorGuess>& guesses) {
  FloorGuess g;
  if (guesses.empty()) return g;
  std::array<double, world::kGroundMaterials> logp{};
  for (const FloorGuess& one : guesses)
    for (int m = 0; m < world::kGroundMaterials; ++m) logp[m] += std::log(std::max(one.probability[m], 1e-9)) / guesses.size();
  const double top = *std::max_element(logp.begin(), logp.end());
  double sum = 0;
  for (int m = 0; m < world::kGroundMaterials; ++m) sum += g.probability[m] = std::exp(logp[m] - top);
  for (double& v : g.probability) v /= sum;
  const int best = static_cast<int>(std::max_element(g.probability.begin(), g.probability.end()) - g.probability.begin());
  g.material = static_cast<world::Material>(best);
  g.confidence = g.probability[best];
  return g;
}

}  // namespace kinema::eval

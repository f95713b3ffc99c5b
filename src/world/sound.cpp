// Sound synthesis for the world: modal impacts, footsteps per floor, rolling and sliding noise, shattering,
// splashes, and the ambience of each setting and time of day.
#include "world/sound.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <map>
#include <tuple>

#include "world/geometry.h"
#include "world/rng.h"

namespace kinema::world {
namespace {

constexpr double kPi = 3.14159265358979323846;

// A mode: frequency (Hz), decay time to 1/e (s), gain.
struct Mode {
  double frequency, decay, gain;
};

// Each material's modes, lowest first. Wood knocks, metal rings long, glass rings high, rubber thumps,
// grass and sand are dull (their character is in their noise, see impact_noise()).
std::vector<Mode> modes_of(Material m) {
  switch (m) {
    case Material::wood: return {{190, 0.05, 1.0}, {480, 0.035, 0.6}, {1150, 0.02, 0.35}, {2400, 0.012, 0.2}};
    case Material::metal: return {{620, 0.55, 1.0}, {1480, 0.42, 0.7}, {2710, 0.32, 0.5}, {4150, 0.24, 0.35}, {5600, 0.18, 0.25}};
    case Material::grass: return {{95, 0.035, 0.5}};
    case Material::ice: return {{900, 0.08, 0.8}, {2300, 0.05, 0.5}, {4700, 0.03, 0.3}};
    case Material::sand: return {{70, 0.03, 0.6}};
    case Material::water: return {{140, 0.04, 0.3}};
    case Material::rubber: return {{160, 0.06, 1.0}, {420, 0.03, 0.3}};
    case Material::glass: return {{1900, 0.35, 1.0}, {3400, 0.25, 0.6}, {5200, 0.18, 0.4}, {7300, 0.12, 0.25}};
    case Material::body: return {{110, 0.05, 1.0}, {260, 0.03, 0.4}};
  }
  return {};
}

// Noise colour of a material's contact: centre frequency and bandwidth (Q) of a band-pass, and its level.
struct NoiseBand {
  double centre, q, level;
};
NoiseBand impact_noise(Material m) {
  switch (m) {
    case Material::grass: return {3200, 0.7, 0.8};
    case Material::sand: return {2200, 0.6, 0.9};
    case Material::water: return {1200, 0.5, 1.0};
    case Material::ice: return {5000, 1.0, 0.3};
    case Material::metal: return {4000, 1.2, 0.2};
    default: return {2500, 0.8, 0.2};
  }
}
NoiseBand rolling_noise(Material m) {
  switch (m) {
    case Material::wood: return {350, 0.9, 1.0};
    case Material::metal: return {820, 2.5, 1.0};
    case Material::grass: return {2200, 0.8, 0.8};
    case Material::ice: return {4200, 0.9, 0.5};
    case Material::sand: return {3000, 0.6, 1.0};
    case Material::water: return {900, 0.7, 0.9};
    case Material::glass: return {3500, 1.5, 0.6};
    default: return {600, 0.8, 0.8};
  }
}
NoiseBand sliding_noise(Material m) {
  switch (m) {
    case Material::wood: return {1300, 1.2, 1.0};
    case Material::metal: return {2600, 3.0, 0.9};
    case Material::grass: return {2800, 0.7, 0.9};
    case Material::ice: return {5200, 1.0, 0.6};
    case Material::sand: return {3600, 0.6, 1.0};
    case Material::water: return {1000, 0.6, 0.9};
    case Material::glass: return {4200, 2.0, 0.7};
    default: return {1500, 1.0, 0.8};
  }
}

// A band-pass biquad (RBJ audio EQ cookbook, constant 0 dB peak gain).
class BandPass {
 public:
  BandPass() = default;
  BandPass(double centre, double q, int rate) {
    const double w = 2 * kPi * std::min(centre, 0.45 * rate) / rate;
    const double alpha = std::sin(w) / (2 * q);
    const double a0 = 1 + alpha;
    b0_ = alpha / a0;
    b2_ = -alpha / a0;
    a1_ = -2 * std::cos(w) / a0;
    a2_ = (1 - alpha) / a0;
  }
  double operator()(double x) {
    const double y = b0_ * x + b2_ * x2_ - a1_ * y1_ - a2_ * y2_;
    x2_ = x1_;
    x1_ = x;
    y2_ = y1_;
    y1_ = y;
    return y;
  }

 private:
  double b0_ = 0, b2_ = 0, a1_ = 0, a2_ = 0;
  double x1_ = 0, x2_ = 0, y1_ = 0, y2_ = 0;
};

// A one-pole low-pass.
class LowPass {
 public:
  LowPass(double cutoff, int rate) : k_(1 - std::exp(-2 * kPi * std::min(cutoff, 0.45 * rate) / rate)) {}
  double operator()(double x) { return y_ += k_ * (x - y_); }

 private:
  double k_, y_ = 0;
};

// Fast white noise in [-1, 1) (xorshift32).
class Noise {
 public:
  explicit Noise(uint64_t seed) : s_(static_cast<uint32_t>(mix64(seed)) | 1u) {}
  double operator()() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 17;
    s_ ^= s_ << 5;
    return static_cast<int32_t>(s_) * (1.0 / 2147483648.0);
  }

 private:
  uint32_t s_;
};

class Mixer {
 public:
  Mixer(std::vector<float>& out, int rate) : out_(out), rate_(rate) {}
  int rate() const { return rate_; }
  int64_t size() const { return static_cast<int64_t>(out_.size()); }

  // A decaying sine from sample `at`: amplitude * exp(-t / decay) * sin(2 pi f t). A complex rotation per
  // sample; rendered until it is 60 dB down (at most 2.5 s).
  void mode(int64_t at, double frequency, double decay, double amplitude) {
    if (frequency >= 0.45 * rate_ || amplitude < 1e-5) return;
    const int64_t length = std::min<int64_t>(static_cast<int64_t>(std::min(6.9 * decay, 2.5) * rate_), size() - at);
    const std::complex<double> step = std::exp(std::complex<double>(-1.0 / (decay * rate_), 2 * kPi * frequency / rate_));
    std::complex<double> z(amplitude, 0);  // its imaginary part is the sine, 0 at the onset
    for (int64_t i = 0; i < length; ++i) {
      if (at + i >= 0) out_[at + i] += static_cast<float>(z.imag());
      z *= step;
    }
  }

  // Band-passed noise shaped by an attack/decay envelope: a click, a swish, a crunch, a splash.
  void burst(int64_t at, Noise& noise, const NoiseBand& band, double attack, double decay, double amplitude) {
    BandPass filter(band.centre, band.q, rate_);
    const int64_t length = std::min<int64_t>(static_cast<int64_t>((attack + 6.9 * decay) * rate_), size() - at);
    const double a = std::max(1.0, attack * rate_), k = std::exp(-1.0 / (decay * rate_));
    double env = 1;
    // A band-pass of white noise loses level with narrow bands: make up for it.
    const double gain = amplitude * std::sqrt(band.q) * 2.0;
    for (int64_t i = 0; i < length; ++i) {
      const double shape = i < a ? i / a : (env *= k);
      const double v = filter(noise()) * shape * gain;
      if (at + i >= 0) out_[at + i] += static_cast<float>(v);
    }
  }

  // A short broadband click: the first millisecond of contact, so an onset is sharp at its sample.
  void click(int64_t at, Noise& noise, double brightness, double amplitude) {
    LowPass filter(1500 + 6000 * brightness, rate_);
    const int64_t length = std::min<int64_t>(static_cast<int64_t>(0.004 * rate_), size() - at);
    const double k = std::exp(-1.0 / (0.0012 * rate_));
    double env = 1;
    for (int64_t i = 0; i < length; ++i, env *= k)
      if (at + i >= 0) out_[at + i] += static_cast<float>((0.5 * filter(noise()) + (i == 0 ? 0.6 : 0.0)) * env * amplitude);
  }

  // A rising sine chirp: a bubble in water.
  void chirp(int64_t at, double from, double to, double length_s, double amplitude) {
    const int64_t length = std::min<int64_t>(static_cast<int64_t>(length_s * rate_), size() - at);
    double phase = 0;
    for (int64_t i = 0; i < length; ++i) {
      const double t = static_cast<double>(i) / length;
      phase += 2 * kPi * (from + (to - from) * t) / rate_;
      if (at + i >= 0) out_[at + i] += static_cast<float>(std::sin(phase) * amplitude * std::sin(kPi * t));
    }
  }

  float& at(int64_t i) { return out_[i]; }

 private:
  std::vector<float>& out_;
  int rate_;
};

// The size of a thing changes its pitch: smaller things ring higher (frequency ~ 1 / size).
double pitch_of(Kind kind, Size size) {
  switch (kind) {
    case Kind::ball: return std::sqrt(0.24 / ball_radius(size));
    case Kind::box: return std::sqrt(0.27 / box_half_size(size).x);
    case Kind::glass: return std::sqrt(0.34 / glass_shape(size).height);
    case Kind::character: return 1.0;
  }
  return 1.0;
}

struct ThingInfo {
  Kind kind = Kind::ball;
  Size size = Size::medium;
  bool fragment = false;
};

class Synth {
 public:
  Synth(const Scene& scene, std::vector<float>& out) : scene_(scene), mix_(out, scene.format.sample_rate), noise_(derive_seed(scene.seed, "sound")) {
    for (const Object& o : scene.objects) things_[o.id] = {o.kind, o.size, false};
  }

  ThingInfo info(int id) const {
    const auto it = things_.find(id);
    if (it != things_.end()) return it->second;
    if (id >= 1000) {  // a fragment of glass id / 1000 - 1
      const auto parent = things_.find(id / 1000 - 1);
      if (parent != things_.end()) return {Kind::glass, Size::small, true};
    }
    return {};
  }

  // Loudness of a contact from its impulse (N s): a power law, so a hit twice as hard is clearly louder.
  static double loudness(double impulse) { return 0.3 * std::min(1.4, std::pow(impulse / 1.5, 0.6)); }
  // Brightness from the approach speed: 6 m/s is a hard hit.
  static double brightness(double speed) { return std::clamp(speed / 6.0, 0.05, 1.2); }

  // Excites a material's modes at one sample: harder hits (bright) reach the higher modes.
  void ring(int64_t at, Material m, double pitch, double amplitude, double bright, double decay_scale = 1.0) {
    const auto key = std::make_tuple(static_cast<int>(m), std::lround(pitch * 1000), std::lround(decay_scale * 1000));
    auto [it, fresh] = banks_.try_emplace(key);
    Bank& bank = it->second;
    if (fresh)
      for (const Mode& mode : modes_of(m)) bank.modes.push_back({mode.frequency * pitch, mode.decay * decay_scale, mode.gain});
    Bank::Hit hit{at, {}};
    for (size_t k = 0; k < bank.modes.size(); ++k) hit.amplitudes.push_back(amplitude * bank.modes[k].gain * std::pow(bright, 0.6 * k));
    bank.hits.push_back(std::move(hit));
  }

  // Runs every bank's resonators once over the track: a decaying complex phasor per mode, kicked at each
  // hit, skipping the silence between rings. Much cheaper than one ring per hit when hits overlap.
  void ring_banks() {
    const int rate = mix_.rate();
    const int64_t n = mix_.size();
    for (auto& [key, bank] : banks_) {
      std::stable_sort(bank.hits.begin(), bank.hits.end(), [](const Bank::Hit& a, const Bank::Hit& b) { return a.at < b.at; });
      for (size_t k = 0; k < bank.modes.size(); ++k) {
        const Mode& mode = bank.modes[k];
        if (mode.frequency >= 0.45 * rate) continue;
        const std::complex<double> step = std::exp(std::complex<double>(-1.0 / (mode.decay * rate), 2 * kPi * mode.frequency / rate));
        std::complex<double> z = 0;
        size_t next = 0;
        for (int64_t i = bank.hits.front().at; i < n;) {
          while (next < bank.hits.size() && bank.hits[next].at <= i) z += bank.hits[next++].amplitudes[k];
          if (i >= 0) mix_.at(i) += static_cast<float>(z.imag());
          z *= step;
          ++i;
          if (std::norm(z) < 1e-12) {  // rung out: wait for the next hit
            if (next == bank.hits.size()) break;
            z = 0;
            i = std::max(i, bank.hits[next].at);
          }
        }
      }
    }
  }

  void impact(const SoundEvent& e) {
    const ThingInfo thing = info(e.object);
    const double amp = loudness(e.impulse) * (thing.fragment ? 0.6 : 1.0);
    if (amp < 0.002) return;
    const double bright = brightness(e.speed);
    mix_.click(e.sample, noise_, bright, amp * (0.4 + 0.6 * bright));
    ring(e.sample, e.material, pitch_of(thing.kind, thing.size) * (thing.fragment ? 1.6 : 1.0), amp * 0.55, bright);
    if (e.other_object >= 0) {
      const ThingInfo other = info(e.other_object);
      ring(e.sample, e.other, pitch_of(other.kind, other.size), amp * 0.45, bright);
    } else {
      ring(e.sample, e.other, 1.0, amp * 0.6, bright);
      const NoiseBand band = impact_noise(e.other);
      mix_.burst(e.sample, noise_, band, 0.001, 0.03 + 0.03 * bright, amp * band.level * 0.5);
    }
  }

  // Footsteps sound of the floor: a knock on wood, a clank on metal, a swish in grass, a crunch in sand,
  // a crisp tick on ice, a splash in a puddle.
  void footstep(const SoundEvent& e) {
    const double amp = 0.05 + 0.035 * std::min(e.speed, 4.0);
    const int64_t at = e.sample;
    switch (e.other) {
      case Material::wood:
        mix_.click(at, noise_, 0.3, amp * 0.6);
        ring(at, Material::wood, 1.1, amp, 0.35);
        break;
      case Material::metal:
        mix_.click(at, noise_, 0.5, amp * 0.5);
        ring(at, Material::metal, 1.0, amp * 0.55, 0.5, 0.25);
        break;
      case Material::grass:
        mix_.burst(at, noise_, impact_noise(Material::grass), 0.008, 0.045, amp * 1.2);
        break;
      case Material::sand:
        for (int i = 0; i < 10; ++i)  // grains giving way
          mix_.burst(at + static_cast<int64_t>(i * 0.006 * mix_.rate()), noise_, impact_noise(Material::sand), 0.0005, 0.006,
                     amp * (1.0 - i * 0.08));
        break;
      case Material::ice:
        mix_.click(at, noise_, 1.0, amp * 0.8);
        ring(at, Material::ice, 1.0, amp * 0.4, 0.6, 0.4);
        break;
      case Material::water: splash(at, amp * 1.5, 0.6); break;
      default: ring(at, Material::body, 1.0, amp, 0.3); break;
    }
  }

  void splash(int64_t at, double amp, double size) {
    mix_.click(at, noise_, 0.5, amp * 0.4);
    mix_.burst(at, noise_, impact_noise(Material::water), 0.004, 0.05 + 0.05 * size, amp * 1.2);
    Rng rng(static_cast<uint64_t>(at) * 7919 + 17);
    for (int i = 0, n = 2 + static_cast<int>(3 * size); i < n; ++i) {
      const double f = rng.uniform(500, 1100);
      mix_.chirp(at + static_cast<int64_t>(rng.uniform(0.01, 0.15) * mix_.rate()), f, f * 1.8, rng.uniform(0.02, 0.05), amp * 0.35);
    }
  }

  void shatter(const SoundEvent& e) {
    const double amp = std::max(0.12, loudness(e.impulse));
    const int rate = mix_.rate();
    mix_.click(e.sample, noise_, 1.2, amp);
    ring(e.sample, Material::glass, 1.0, amp * 0.6, 1.0);
    mix_.burst(e.sample, noise_, {4500, 1.0, 1.0}, 0.001, 0.06, amp * 0.7);
    // Pieces tinkling as they fly and land.
    Rng rng(derive_seed(scene_.seed, "tinkle/" + std::to_string(e.object)));
    const int tinkles = 14 + rng.below(10);
    for (int i = 0; i < tinkles; ++i) {
      const double when = rng.uniform(0.0, 0.45) * rng.uniform();
      const int64_t at = e.sample + static_cast<int64_t>(when * rate);
      const double f = rng.uniform(2400, 0.44 * rate);
      mix_.mode(at, f, rng.uniform(0.02, 0.1), amp * rng.uniform(0.1, 0.35) * (1.0 - when));
    }
  }

  // Rolling and sliding: band-passed noise whose level follows the speed, continuous per contact stream.
  void contact_noise(const std::vector<SoundEvent>& events) {
    struct Stream {
      BandPass filter;
      double level = 0;
      int64_t end = -1;
    };
    std::map<std::tuple<int, int, int, int>, Stream> streams;
    const int rate = mix_.rate();
    for (const SoundEvent& e : events) {
      if (e.kind != SoundKind::roll && e.kind != SoundKind::slide) continue;
      const bool roll = e.kind == SoundKind::roll;
      const NoiseBand band = roll ? rolling_noise(e.other) : sliding_noise(e.other == Material::glass ? e.material : e.other);
      auto key = std::make_tuple(static_cast<int>(e.kind), e.object, e.other_object, static_cast<int>(e.other));
      auto [it, fresh] = streams.try_emplace(key);
      Stream& s = it->second;
      if (fresh) s.filter = BandPass(band.centre, band.q, rate);
      const int64_t length = static_cast<int64_t>(e.duration * rate + 0.5);
      if (s.end != e.sample) s.level = 0;  // a new stretch of contact fades in
      const ThingInfo thing = info(e.object);
      const double weight = thing.fragment ? 0.3 : thing.kind == Kind::character ? 1.0 : 0.7;
      const double target = (roll ? 0.05 : 0.07) * std::min(e.speed, 5.0) * band.level * weight;
      const double gain = std::sqrt(band.q) * 2.0;
      for (int64_t i = 0; i < length && e.sample + i < mix_.size(); ++i) {
        const double level = s.level + (target - s.level) * (static_cast<double>(i) / length);
        const double v = s.filter(noise_()) * level * gain;
        if (e.sample + i >= 0) mix_.at(e.sample + i) += static_cast<float>(v);
      }
      s.level = target;
      s.end = e.sample + length;
    }
    // Contacts that stopped fade out over 20 ms.
    for (auto& [key, s] : streams) {
      const int64_t fade = static_cast<int64_t>(0.02 * rate);
      for (int64_t i = 0; i < fade && s.end + i < mix_.size() && s.level > 0; ++i)
        if (s.end + i >= 0) mix_.at(s.end + i) += static_cast<float>(s.filter(noise_()) * s.level * (1.0 - static_cast<double>(i) / fade));
    }
  }

  void events(const std::vector<SoundEvent>& events) {
    for (const SoundEvent& e : events) {
      if (e.sample >= mix_.size()) continue;
      switch (e.kind) {
        case SoundKind::impact: impact(e); break;
        case SoundKind::footstep: footstep(e); break;
        case SoundKind::shatter: shatter(e); break;
        case SoundKind::splash: splash(e.sample, loudness(e.impulse) * 1.3 + 0.05, std::min(1.0, e.speed / 4)); break;
        default: break;
      }
    }
    contact_noise(events);
    ring_banks();
  }

  // The setting's bed of sound across the whole scene, following the light: birds by day, crickets at night.
  void ambience() {
    const int rate = mix_.rate();
    const int64_t n = mix_.size();
    const Setting setting = setting_of(scene_.ground);
    Noise noise(derive_seed(scene_.seed, "ambience"));
    Rng rng(derive_seed(scene_.seed, "ambience events"));
    LowPass rumble(setting == Setting::room ? 180 : 420, rate);
    BandPass wind(setting == Setting::pond ? 700 : 420, 0.6, rate);
    const double lfo_rate = setting == Setting::beach ? 0.12 : 0.27;
    const double lfo_phase = rng.uniform(0, 2 * kPi);
    // Slow controls (night quiet, swell) change every 64 samples; the hum is a rotating phasor.
    const std::complex<double> hum_step = std::polar(1.0, 2 * kPi * 60 / rate);
    std::complex<double> hum(1.0, 0.0);
    double quiet = 1.0, swell = 0.5;
    for (int64_t i = 0; i < n; ++i) {
      if (i % 64 == 0) {
        const double t = static_cast<double>(i) / rate;
        quiet = 1.0 - 0.35 * std::clamp(scene_.light_at(t) - 1.0, 0.0, 1.0);
        swell = 0.5 + 0.5 * std::sin(2 * kPi * lfo_rate * t + lfo_phase);
      }
      double v = 0;
      switch (setting) {
        case Setting::room: v = 0.02 * rumble(noise()); break;
        case Setting::workshop: {
          hum *= hum_step;
          const double s1 = hum.imag(), c1 = hum.real();
          v = 0.008 * s1 + 0.005 * 2 * s1 * c1 + 0.015 * rumble(noise());  // 60 Hz and 120 Hz (sin 2x = 2 sin x cos x)
          break;
        }
        case Setting::park: v = 0.05 * wind(noise()) * (0.4 + 0.6 * swell); break;
        case Setting::pond: v = 0.07 * wind(noise()) * (0.3 + 0.7 * swell); break;
        case Setting::beach: v = 0.1 * rumble(noise()) * (0.15 + 0.85 * swell * swell); break;
      }
      mix_.at(i) += static_cast<float>(v * quiet);
    }
    const double seconds = static_cast<double>(n) / rate;
    if (setting == Setting::park || setting == Setting::beach) {
      // Birds: chirps, thinning out towards sunset.
      for (double t = rng.uniform(0.1, 0.6); t < seconds; t += rng.uniform(0.35, 1.1)) {
        const double day = std::clamp(1.0 - scene_.light_at(t), 0.0, 1.0);
        if (rng.uniform() > day) continue;
        const double f = rng.uniform(2800, 3800);
        for (int k = 0, notes = rng.range(1, 3); k < notes; ++k)
          mix_.chirp(static_cast<int64_t>((t + 0.09 * k) * rate), f, f * rng.uniform(1.15, 1.35), 0.06, 0.03 * day);
      }
    }
    if (setting == Setting::park || setting == Setting::pond || setting == Setting::room) {
      // Crickets at night (a clock's tick in a room).
      for (double t = rng.uniform(0.05, 0.4); t < seconds; t += setting == Setting::room ? 1.0 : rng.uniform(0.45, 0.8)) {
        const double night = std::clamp(scene_.light_at(t) - 1.0, 0.0, 1.0);
        if (night <= 0.05) continue;
        if (setting == Setting::room) {
          mix_.click(static_cast<int64_t>(t * rate), noise, 0.8, 0.03 * night);
          continue;
        }
        for (int k = 0; k < 3; ++k)
          mix_.mode(static_cast<int64_t>((t + k * 0.06) * rate), 4200, 0.012, 0.03 * night);
      }
    }
  }

 private:
  const Scene& scene_;
  struct Bank {
    struct Hit {
      int64_t at;
      std::vector<double> amplitudes;  // per mode
    };
    std::vector<Mode> modes;
    std::vector<Hit> hits;
  };
  Mixer mix_;
  Noise noise_;
  std::map<int, ThingInfo> things_;
  std::map<std::tuple<int, long, long>, Bank> banks_;
};

}  // namespace

Setting setting_of(Material ground) {
  switch (ground) {
    case Material::metal: return Setting::workshop;
    case Material::grass: return Setting::park;
    case Material::ice: return Setting::pond;
    case Material::sand: return Setting::beach;
    default: return Setting::room;
  }
}

std::string_view name(Setting setting) {
  static constexpr std::string_view names[] = {"room", "workshop", "park", "pond", "beach"};
  return names[static_cast<int>(setting)];
}

int64_t track_samples(const Scene& scene) {
  return static_cast<int64_t>(scene.total_frames()) * scene.format.sample_rate / scene.format.fps;
}

std::pair<int64_t, int64_t> shot_samples(const Scene& scene, int shot) {
  const int64_t per = static_cast<int64_t>(scene.format.frames) * scene.format.sample_rate;
  return {shot * per / scene.format.fps, (shot + 1) * per / scene.format.fps};
}

std::vector<float> synthesize_sound(const Scene& scene, const Trace& trace, const SoundOptions& options) {
  std::vector<float> out(static_cast<size_t>(track_samples(scene)), 0.0f);
  Synth synth(scene, out);
  if (options.ambience) synth.ambience();
  if (options.events) synth.events(trace.events);
  // A soft knee above 0.7 keeps loud crashes inside [-1, 1] without touching quiet sound.
  for (float& v : out) {
    const float a = std::abs(v);
    if (a > 0.7f) v = std::copysign(0.7f + 0.3f * std::tanh((a - 0.7f) / 0.3f), v);
  }
  return out;
}

}  // namespace kinema::world

// The world's random numbers: a small, portable generator (splitmix64 seeding xoshiro256**), the same on
// every platform and standard library, so one seed gives one clip bit for bit.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace kinema::world {

// splitmix64 (Steele, Lea, Flood 2014): one step of the seed scrambler, also a good 64-bit mixing function.
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A seed derived from a parent seed and a purpose, so independent streams never share numbers.
inline uint64_t derive_seed(uint64_t seed, std::string_view purpose) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a over the purpose
  for (char c : purpose) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  return mix64(seed ^ mix64(h));
}

// xoshiro256** (Blackman and Vigna 2018).
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : state_) {
      x += 0x9e3779b97f4a7c15ull;
      s = mix64(x);
    }
  }

  uint64_t next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n); n > 0. Lemire's multiply-shift, bias below 2^-32 for the small n used here.
  int below(int n) { return static_cast<int>((static_cast<unsigned __int128>(next()) * static_cast<uint64_t>(n)) >> 64); }
  int range(int lo, int hi) { return lo + below(hi - lo + 1); }  // inclusive
  bool chance(double p) { return uniform() < p; }
  // A standard normal deviate (Box-Muller; one of the pair is dropped to keep the state simple).
  double normal() {
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  template <typename T, size_t N>
  const T& pick(const T (&items)[N]) { return items[below(static_cast<int>(N))]; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

}  // namespace kinema::world

// Kinema's invisible watermark: a keyed, tiled spread-spectrum luma pattern carrying a convolutionally coded
// 56-bit message, detected by folding all frames onto one tile. See watermark.h and docs/SAFETY.md.
#include "safety/watermark.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/error.h"

namespace kinema::safety {

namespace {

constexpr int kUnitsPerHeight = 128;   // the pattern's unit: 1/128 of the frame's height
constexpr int kTile = 64;              // tile side, units
constexpr int kCell = 4;               // cell pitch, units
constexpr int kCells = kTile / kCell;  // cells per tile side
constexpr int kCellCount = kCells * kCells;
constexpr int kSyncCells = 64;
constexpr int kBump = 2 * kCell;  // a cell's raised-cosine bump spans two pitches, so neighbours sum to one

constexpr uint32_t kMarker = 0x4B4E4D;  // "KNM", 24 bits
constexpr int kMarkerBits = 24, kIdBits = 32, kMessageBits = kMarkerBits + kIdBits;
constexpr int kMemory = 6;  // constraint length 7
constexpr std::array<int, 3> kGenerators = {0133, 0171, 0165};
constexpr int kSteps = kMessageBits + kMemory;
constexpr int kCodedBits = kSteps * static_cast<int>(kGenerators.size());
static_assert(kCodedBits <= kCellCount - kSyncCells, "the coded message must fit the data cells");

constexpr uint64_t kKey = 0x4B696E656D615731ull;  // "KinemaW1": the public key of the pattern
constexpr double kHighPassRadius = 8;             // half-width of the separable median removed before folding, units
constexpr double kResidualClip = 1.5;             // luma levels; what a unit adds to the fold is clipped to this (the picture's own detail is mostly larger)
constexpr int kCandidates = 3;                    // tile positions decoded per size hypothesis

// SplitMix64 (Steele, Lea and Flood 2014): a small generator whose output is the same on every platform.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

struct Layout {
  std::array<int8_t, kCellCount> chip{};  // +1 or -1
  std::array<int16_t, kCellCount> role{};  // -1: sync cell; else the coded bit it carries
  std::array<double, kBump> bump{};        // raised-cosine weights over a cell's 8 units
};

const Layout& layout() {
  static const Layout l = [] {
    Layout out;
    SplitMix64 rng(kKey);
    std::array<int, kCellCount> order;
    std::iota(order.begin(), order.end(), 0);
    for (int i = kCellCount - 1; i > 0; --i) std::swap(order[i], order[static_cast<int>(rng.next() % (i + 1))]);
    for (int k = 0; k < kCellCount; ++k) {
      const int cell = order[k];
      out.role[cell] = static_cast<int16_t>(k < kSyncCells ? -1 : (k - kSyncCells) % kCodedBits);
    }
    for (auto& c : out.chip) c = (rng.next() >> 63) ? 1 : -1;
    // Unit k's centre lies at k + 0.5; a cell centred on c weights it by cos^2(pi d / 2C), d = k + 0.5 - c.
    for (int k = 0; k < kBump; ++k) {
      const double d = k + 0.5 - kBump / 2.0;
      out.bump[k] = std::pow(std::cos(M_PI * d / kBump), 2);
    }
    return out;
  }();
  return l;
}

int parity(int v) { return __builtin_parity(static_cast<unsigned>(v)); }

// Marker bits are spread evenly through the message rather than put first, so a decoding error anywhere,
// the id included, is likely to break the marker: a clip is then reported unmarked rather than with a wrong id.
bool is_marker_position(int k) { return (k + 1) * kMarkerBits / kMessageBits > k * kMarkerBits / kMessageBits; }

std::array<int, kMessageBits> message_bits(uint32_t generation_id) {
  std::array<int, kMessageBits> bits{};
  int m = 0, i = 0;
  for (int k = 0; k < kMessageBits; ++k)
    bits[k] = is_marker_position(k) ? (kMarker >> (kMarkerBits - 1 - m++)) & 1 : (generation_id >> (kIdBits - 1 - i++)) & 1;
  return bits;
}

std::array<int, kCodedBits> encode(const std::array<int, kMessageBits>& message) {
  std::array<int, kCodedBits> coded{};
  int reg = 0;
  for (int step = 0; step < kSteps; ++step) {
    const int bit = step < kMessageBits ? message[step] : 0;  // zero tail returns the encoder to state 0
    reg = ((reg << 1) | bit) & 0x7f;
    for (size_t g = 0; g < kGenerators.size(); ++g) coded[step * kGenerators.size() + g] = parity(reg & kGenerators[g]);
  }
  return coded;
}

// Soft-decision Viterbi decoding; soft[k] > 0 means coded bit k is more likely 0 (sent as +1).
std::array<int, kMessageBits> viterbi(const std::array<double, kCodedBits>& soft) {
  constexpr int kStates = 1 << kMemory;
  std::vector<double> metric(kStates, -1e300), next(kStates);
  metric[0] = 0;
  std::vector<std::array<uint8_t, kStates>> from(kSteps);  // the previous state of each survivor
  for (int step = 0; step < kSteps; ++step) {
    std::fill(next.begin(), next.end(), -1e300);
    const int max_bit = step < kMessageBits ? 1 : 0;
    for (int state = 0; state < kStates; ++state) {
      if (metric[state] <= -1e299) continue;
      for (int bit = 0; bit <= max_bit; ++bit) {
        const int reg = ((state << 1) | bit) & 0x7f;
        double m = metric[state];
        for (size_t g = 0; g < kGenerators.size(); ++g)
          m += parity(reg & kGenerators[g]) ? -soft[step * kGenerators.size() + g] : soft[step * kGenerators.size() + g];
        const int to = reg & (kStates - 1);
        if (m > next[to]) {
          next[to] = m;
          from[step][to] = static_cast<uint8_t>(state);
        }
      }
    }
    metric.swap(next);
  }
  std::array<int, kMessageBits> bits{};
  int state = 0;
  for (int step = kSteps - 1; step >= 0; --step) {
    if (step < kMessageBits) bits[step] = state & 1;
    state = from[step][state];
  }
  return bits;
}

// The tile of pattern values at unit centres, RMS 1, for a coded message.
std::vector<double> pattern_tile(const std::array<int, kCodedBits>& coded) {
  const Layout& l = layout();
  std::vector<double> tile(kTile * kTile, 0.0);
  for (int cy = 0; cy < kCells; ++cy) {
    for (int cx = 0; cx < kCells; ++cx) {
      const int cell = cy * kCells + cx;
      const int symbol = l.role[cell] < 0 ? 1 : (coded[l.role[cell]] ? -1 : 1);
      const double sign = l.chip[cell] * symbol;
      const int x0 = cx * kCell + kCell / 2 - kBump / 2, y0 = cy * kCell + kCell / 2 - kBump / 2;
      for (int b = 0; b < kBump; ++b)
        for (int a = 0; a < kBump; ++a) {
          const int x = (x0 + a + kTile) % kTile, y = (y0 + b + kTile) % kTile;
          tile[y * kTile + x] += sign * l.bump[a] * l.bump[b];
        }
    }
  }
  double energy = 0;
  for (const double v : tile) energy += v * v;
  const double rms = std::sqrt(energy / tile.size());
  for (double& v : tile) v /= rms;
  return tile;
}

// BT.709 luma of an RGB24 frame.
std::vector<float> luma(const uint8_t* rgb, int pixels) {
  std::vector<float> y(pixels);
  for (int i = 0; i < pixels; ++i)
    y[i] = 0.2126f * rgb[3 * i] + 0.7152f * rgb[3 * i + 1] + 0.0722f * rgb[3 * i + 2];
  return y;
}

// Area-weighted resampling of one line of `n` samples (stride `stride`) onto `m` cells of `unit` samples each.
void resample_line(const float* in, int n, int stride, float* out, int m, int out_stride, double unit) {
  for (int i = 0; i < m; ++i) {
    const double a = std::min(i * unit, static_cast<double>(n)), b = std::min((i + 1) * unit, static_cast<double>(n));
    double sum = 0, weight = 0;
    for (int p = static_cast<int>(std::floor(a)); p < b && p < n; ++p) {
      const double overlap = std::min<double>(p + 1, b) - std::max<double>(p, a);
      if (overlap <= 0) continue;
      sum += overlap * in[static_cast<size_t>(p) * stride];
      weight += overlap;
    }
    out[static_cast<size_t>(i) * out_stride] = weight > 0 ? static_cast<float>(sum / weight) : 0.0f;
  }
}

struct Grid {
  int width = 0, height = 0;
  std::vector<float> values;
};

Grid resample(const std::vector<float>& y, int width, int height, double unit) {
  Grid g;
  g.width = std::max(1, static_cast<int>(std::lround(width / unit)));
  g.height = std::max(1, static_cast<int>(std::lround(height / unit)));
  std::vector<float> rows(static_cast<size_t>(height) * g.width);
  for (int r = 0; r < height; ++r)
    resample_line(y.data() + static_cast<size_t>(r) * width, width, 1, rows.data() + static_cast<size_t>(r) * g.width,
                  g.width, 1, unit);
  g.values.resize(static_cast<size_t>(g.height) * g.width);
  for (int c = 0; c < g.width; ++c) resample_line(rows.data() + c, height, g.width, g.values.data() + c, g.height, g.width, unit);
  return g;
}

// A separable median (rows, then columns) with edges clamped: the picture's own estimate of itself without the
// fine pattern. Unlike a mean it keeps edges, so the residual left after subtracting it holds little of them.
std::vector<float> local_median(const Grid& g, int radius) {
  std::vector<float> tmp(g.values.size()), out(g.values.size());
  std::vector<float> window(2 * radius + 1);
  const auto at = [](int i, int n) { return std::clamp(i, 0, n - 1); };
  const auto median = [&]() {
    std::nth_element(window.begin(), window.begin() + radius, window.end());
    return window[radius];
  };
  for (int y = 0; y < g.height; ++y)
    for (int x = 0; x < g.width; ++x) {
      for (int d = -radius; d <= radius; ++d) window[d + radius] = g.values[static_cast<size_t>(y) * g.width + at(x + d, g.width)];
      tmp[static_cast<size_t>(y) * g.width + x] = median();
    }
  for (int y = 0; y < g.height; ++y)
    for (int x = 0; x < g.width; ++x) {
      for (int d = -radius; d <= radius; ++d) window[d + radius] = tmp[static_cast<size_t>(at(y + d, g.height)) * g.width + x];
      out[static_cast<size_t>(y) * g.width + x] = median();
    }
  return out;
}

// All frames' high-passed, clipped luma on the unit grid, summed onto one tile (mean per tile position).
std::vector<double> fold(const media::Clip& clip, double unit) {
  std::vector<double> sum(kTile * kTile, 0.0), count(kTile * kTile, 0.0);
  for (int f = 0; f < clip.frame_count(); ++f) {
    const Grid g = resample(luma(clip.frame(f), clip.width * clip.height), clip.width, clip.height, unit);
    const std::vector<float> mean = local_median(g, static_cast<int>(kHighPassRadius));
    for (int y = 0; y < g.height; ++y)
      for (int x = 0; x < g.width; ++x) {
        const size_t i = static_cast<size_t>(y) * g.width + x;
        const int t = (y % kTile) * kTile + (x % kTile);
        sum[t] += std::clamp<double>(g.values[i] - mean[i], -kResidualClip, kResidualClip);
        count[t] += 1;
      }
  }
  for (int t = 0; t < kTile * kTile; ++t) sum[t] = count[t] > 0 ? sum[t] / count[t] : 0.0;
  return sum;
}

// G[y][x]: the folded tile correlated with one cell's bump anchored at (x, y), wrapping around.
std::vector<double> cell_responses(const std::vector<double>& tile) {
  const Layout& l = layout();
  std::vector<double> rows(kTile * kTile, 0.0), out(kTile * kTile, 0.0);
  for (int y = 0; y < kTile; ++y)
    for (int x = 0; x < kTile; ++x) {
      double s = 0;
      for (int a = 0; a < kBump; ++a) s += l.bump[a] * tile[y * kTile + (x + a) % kTile];
      rows[y * kTile + x] = s;
    }
  for (int y = 0; y < kTile; ++y)
    for (int x = 0; x < kTile; ++x) {
      double s = 0;
      for (int b = 0; b < kBump; ++b) s += l.bump[b] * rows[((y + b) % kTile) * kTile + x];
      out[y * kTile + x] = s;
    }
  return out;
}

// Cell `cell`'s response when the tile sits shifted by (dx, dy) units in the decoded frames.
double response(const std::vector<double>& g, int cell, int dx, int dy) {
  const int cx = cell % kCells, cy = cell / kCells;
  const int x = ((cx * kCell + kCell / 2 - kBump / 2 - dx) % kTile + kTile) % kTile;
  const int y = ((cy * kCell + kCell / 2 - kBump / 2 - dy) % kTile + kTile) % kTile;
  return g[y * kTile + x];
}

struct Attempt {
  bool found = false;
  uint32_t id = 0;
  double accuracy = 0, z = 0;
};

// Neighbouring bumps overlap, so each cell's response also holds a third of each side neighbour's sign (and a
// ninth of each diagonal one's). Along one axis the responses are the signs through the circulant T with 1 on
// the diagonal and c beside it; its inverse (through its eigenvalues 1 + 2c cos(2 pi k / n)) undoes that.
const std::array<double, kCells * kCells>& crosstalk_inverse() {
  static const std::array<double, kCells * kCells> inverse = [] {
    const Layout& l = layout();
    double own = 0, next = 0;
    for (int k = 0; k < kBump; ++k) {
      own += l.bump[k] * l.bump[k];
      if (k + kCell < kBump) next += l.bump[k] * l.bump[k + kCell];
    }
    const double c = next / own;
    std::array<double, kCells * kCells> m{};
    for (int i = 0; i < kCells; ++i)
      for (int j = 0; j < kCells; ++j) {
        double v = 0;
        for (int k = 0; k < kCells; ++k)
          v += std::cos(2 * M_PI * k * (i - j) / kCells) / (1 + 2 * c * std::cos(2 * M_PI * k / kCells));
        m[i * kCells + j] = v / kCells;
      }
    return m;
  }();
  return inverse;
}

// The cells' responses at tile position (dx, dy) with the neighbours' share taken out.
std::array<double, kCellCount> equalised_responses(const std::vector<double>& g, int dx, int dy) {
  const auto& inv = crosstalk_inverse();
  std::array<double, kCellCount> r{}, rows{}, out{};
  for (int cell = 0; cell < kCellCount; ++cell) r[cell] = response(g, cell, dx, dy);
  for (int y = 0; y < kCells; ++y)
    for (int x = 0; x < kCells; ++x) {
      double v = 0;
      for (int k = 0; k < kCells; ++k) v += inv[x * kCells + k] * r[y * kCells + k];
      rows[y * kCells + x] = v;
    }
  for (int y = 0; y < kCells; ++y)
    for (int x = 0; x < kCells; ++x) {
      double v = 0;
      for (int k = 0; k < kCells; ++k) v += inv[y * kCells + k] * rows[k * kCells + x];
      out[y * kCells + x] = v;
    }
  return out;
}

Attempt decode_at(const std::vector<double>& g, int dx, int dy) {
  const Layout& l = layout();
  const auto responses = equalised_responses(g, dx, dy);
  std::array<double, kCodedBits> soft{};
  double energy = 0;
  for (int cell = 0; cell < kCellCount; ++cell) {
    if (l.role[cell] < 0) continue;
    const double y = l.chip[cell] * responses[cell];
    soft[l.role[cell]] += y;
    energy += y * y;
  }
  const auto bits = viterbi(soft);
  Attempt a;
  uint32_t marker = 0;
  for (int k = 0; k < kMessageBits; ++k) {
    if (is_marker_position(k))
      marker = (marker << 1) | static_cast<uint32_t>(bits[k]);
    else
      a.id = (a.id << 1) | static_cast<uint32_t>(bits[k]);
  }
  const auto recoded = encode(bits);
  int agree = 0;
  for (int k = 0; k < kCodedBits; ++k) agree += (soft[k] >= 0) == (recoded[k] == 0);
  a.accuracy = static_cast<double>(agree) / kCodedBits;
  a.found = marker == kMarker && energy > 0;
  return a;
}

Attempt search(const std::vector<double>& g) {
  const Layout& l = layout();
  std::vector<double> score(kTile * kTile, 0.0);
  for (int dy = 0; dy < kTile; ++dy)
    for (int dx = 0; dx < kTile; ++dx) {
      double s = 0;
      for (int cell = 0; cell < kCellCount; ++cell)
        if (l.role[cell] < 0) s += l.chip[cell] * response(g, cell, dx, dy);
      score[dy * kTile + dx] = s;
    }
  double mean = 0, var = 0;
  for (const double s : score) mean += s;
  mean /= score.size();
  for (const double s : score) var += (s - mean) * (s - mean);
  const double sd = std::sqrt(var / score.size());

  Attempt best;
  std::vector<int> taken;
  for (int c = 0; c < kCandidates; ++c) {
    int arg = -1;
    for (int i = 0; i < kTile * kTile; ++i) {
      // Positions within two units of one already tried see the same cells, partly: skip them.
      const bool near = std::any_of(taken.begin(), taken.end(), [&](int t) {
        const int ddx = std::abs(i % kTile - t % kTile), ddy = std::abs(i / kTile - t / kTile);
        return std::min(ddx, kTile - ddx) <= 2 && std::min(ddy, kTile - ddy) <= 2;
      });
      if (!near && (arg < 0 || score[i] > score[arg])) arg = i;
    }
    taken.push_back(arg);
    Attempt a = decode_at(g, arg % kTile, arg / kTile);
    a.z = sd > 0 ? (score[arg] - mean) / sd : 0.0;
    if (c == 0 || a.found) best = a;
    if (best.found) break;
  }
  return best;
}

}  // namespace

void embed_watermark(media::Clip& clip, uint32_t generation_id, const WatermarkOptions& options) {
  if (clip.width <= 0 || clip.height <= 0) fail(ErrorKind::invalid_input, "cannot watermark a clip with no picture");
  const std::vector<double> tile = pattern_tile(encode(message_bits(generation_id)));
  const double unit = static_cast<double>(clip.height) / kUnitsPerHeight;
  // The pattern at each pixel centre, bilinear between unit centres, wrapping around the tile.
  std::vector<float> delta(static_cast<size_t>(clip.width) * clip.height);
  for (int y = 0; y < clip.height; ++y) {
    const double v = (y + 0.5) / unit - 0.5;
    const int v0 = static_cast<int>(std::floor(v));
    const double fv = v - v0;
    for (int x = 0; x < clip.width; ++x) {
      const double u = (x + 0.5) / unit - 0.5;
      const int u0 = static_cast<int>(std::floor(u));
      const double fu = u - u0;
      const auto t = [&](int uu, int vv) { return tile[((vv % kTile + kTile) % kTile) * kTile + (uu % kTile + kTile) % kTile]; };
      const double p = (1 - fv) * ((1 - fu) * t(u0, v0) + fu * t(u0 + 1, v0)) + fv * ((1 - fu) * t(u0, v0 + 1) + fu * t(u0 + 1, v0 + 1));
      delta[static_cast<size_t>(y) * clip.width + x] = static_cast<float>(options.strength * p);
    }
  }
  for (int f = 0; f < clip.frame_count(); ++f) {
    uint8_t* rgb = clip.frame(f);
    for (size_t i = 0; i < delta.size(); ++i)
      for (int c = 0; c < 3; ++c)
        rgb[3 * i + c] = static_cast<uint8_t>(std::clamp(std::lround(rgb[3 * i + c] + delta[i]), 0L, 255L));
  }
}

WatermarkReading detect_watermark(const media::Clip& clip) {
  WatermarkReading reading;
  reading.frames = clip.frame_count();
  if (reading.frames == 0) return reading;
  struct Hypothesis {
    double unit;
    const char* name;
  };
  std::vector<Hypothesis> hypotheses = {{static_cast<double>(clip.height) / kUnitsPerHeight, "height kept"}};
  if (clip.width != clip.height) hypotheses.push_back({static_cast<double>(clip.width) / kUnitsPerHeight, "width kept"});
  bool first = true;
  for (const auto& h : hypotheses) {
    const Attempt a = search(cell_responses(fold(clip, h.unit)));
    if (first || a.found) {
      reading.found = a.found;
      reading.generation_id = a.id;
      reading.bit_accuracy = a.accuracy;
      reading.sync_score = a.z;
      reading.geometry = h.name;
      first = false;
    }
    if (a.found) break;
  }
  return reading;
}

}  // namespace kinema::safety

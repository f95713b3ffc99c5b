// Reading the camera's pans and zooms from the floor's texture, things at rest and things' sizes.
#include "eval/camera_motion.h"

#include <algorithm>
#include <cmath>

namespace kinema::eval {
namespace {

constexpr double kMinTexture = 0.8;  // RMS luma along x below which a floor is flat
constexpr double kMinMatch = 0.7;

struct Profile {
  std::vector<double> value;
  std::vector<bool> valid;
  double texture = 0;
};

// Mean luma per column over the upper floor band, below where shadows reach.
Profile floor_profile(const media::Clip& clip, int frame, const Rect& ignore) {
  const int w = clip.width, h = clip.height;
  const int top = static_cast<int>(std::ceil(floor_line(h))) + std::max(2, h / 32);
  int bottom = std::min(h, top + std::max(3, (h - top) / 2));
  // A mark drawn along the bottom of the picture (safety/visible_mark.h) may reach into the band: the band
  // stops above it when that leaves three rows, so its columns stay usable.
  if (!ignore.empty() && ignore.y < bottom && ignore.y + ignore.height > top && ignore.y - top >= 3) bottom = ignore.y;
  Profile p;
  p.value.assign(static_cast<size_t>(w), 0.0);
  p.valid.assign(static_cast<size_t>(w), bottom > top);
  const uint8_t* rgb = clip.frame(frame);
  for (int x = 0; x < w; ++x) {
    double sum = 0;
    int n = 0;
    for (int y = top; y < bottom; ++y) {
      if (ignore.contains(x, y)) {
        p.valid[x] = false;
        break;
      }
      const uint8_t* q = rgb + (static_cast<size_t>(y) * w + x) * 3;
      sum += 0.299 * q[0] + 0.587 * q[1] + 0.114 * q[2];
      ++n;
    }
    p.value[x] = n > 0 ? sum / n : 0.0;
  }
  // Texture: what is left after a 9-column moving average.
  double energy = 0;
  int n = 0;
  for (int x = 4; x + 4 < w; ++x) {
    bool ok = true;
    double mean = 0;
    for (int k = -4; k <= 4; ++k) {
      ok = ok && p.valid[x + k];
      mean += p.value[x + k];
    }
    if (!ok) continue;
    energy += std::pow(p.value[x] - mean / 9.0, 2);
    ++n;
  }
  p.texture = n > 0 ? std::sqrt(energy / n) : 0.0;
  return p;
}

// Normalized correlation of b(x) with a((x - c - shift) / scale + c), c the middle column.
double correlation(const Profile& a, const Profile& b, double shift, double scale) {
  const int w = static_cast<int>(a.value.size());
  const double c = 0.5 * w;
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  int n = 0;
  for (int x = 0; x < w; ++x) {
    if (!b.valid[x]) continue;
    const double xa = (x + 0.5 - c - shift) / scale + c - 0.5;
    const int i = static_cast<int>(std::floor(xa));
    if (i < 0 || i + 1 >= w || !a.valid[i] || !a.valid[i + 1]) continue;
    const double t = xa - i;
    const double va = a.value[i] * (1 - t) + a.value[i + 1] * t, vb = b.value[x];
    sa += va;
    sb += vb;
    saa += va * va;
    sbb += vb * vb;
    sab += va * vb;
    ++n;
  }
  if (n < w / 2) return -1.0;
  const double cov = sab - sa * sb / n, va = saa - sa * sa / n, vb = sbb - sb * sb / n;
  if (va <= 1e-9 || vb <= 1e-9) return -1.0;
  return cov / std::sqrt(va * vb);
}

FloorShift register_profiles(const Profile& a, const Profile& b, double expected, double search, double expected_scale = 1.0) {
  FloorShift out;
  if (a.texture < kMinTexture || b.texture < kMinTexture) return out;
  double best = -2, best_shift = expected, best_scale = expected_scale;
  for (double scale = expected_scale - 0.025; scale <= expected_scale + 0.0251; scale += 0.005)
    for (double shift = expected - search; shift <= expected + search + 1e-9; shift += 0.25) {
      const double c = correlation(a, b, shift, scale);
      if (c > best) {
        best = c;
        best_shift = shift;
        best_scale = scale;
      }
    }
  // Sub-step shift and scale: parabolas through the best and its neighbours (steps would round small zooms,
  // a few tenths of a percent a frame, to none).
  const double l = correlation(a, b, best_shift - 0.25, best_scale), r = correlation(a, b, best_shift + 0.25, best_scale);
  const double denom = l - 2 * best + r;
  const double ls = correlation(a, b, best_shift, best_scale - 0.005), rs = correlation(a, b, best_shift, best_scale + 0.005);
  const double denom_s = ls - 2 * best + rs;
  if (denom < -1e-9) best_shift += std::clamp(0.5 * (l - r) / denom, -0.5, 0.5) * 0.25;
  if (denom_s < -1e-9) best_scale += std::clamp(0.5 * (ls - rs) / denom_s, -0.5, 0.5) * 0.005;
  out.found = best >= kMinMatch;
  out.shift = best_shift;
  out.scale = best_scale;
  out.match = best;
  return out;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  auto mid = v.begin() + v.size() / 2;
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

// Things the prompt says stay where they are: they show the camera's pan.
bool stays_still(const ExpectedSubject& s) {
  if (s.action != world::Action::rest) return false;
  for (world::Outcome o : s.outcomes)
    if (o != world::Outcome::lie_still && o != world::Outcome::intact && o != world::Outcome::in_pieces) return false;
  return s.kind != world::Kind::character;
}

bool rigid(world::Kind k) { return k == world::Kind::ball || k == world::Kind::box || k == world::Kind::glass; }

}  // namespace

double CameraReading::pixels_per_metre(int frame, int width, int height) const {
  const double z = frame >= 0 && frame < static_cast<int>(zoom.size()) ? zoom[frame] : 1.0;
  return eval::pixels_per_metre(width, height) * z;
}

FloorShift floor_shift(const media::Clip& a, int frame_a, const media::Clip& b, int frame_b, const Rect& ignore,
                       double expected_shift, double search) {
  return register_profiles(floor_profile(a, frame_a, ignore), floor_profile(b, frame_b, ignore), expected_shift, search);
}

CameraReading read_camera(const media::Clip& clip, const ClipReading& reading, const std::vector<SubjectTrack>& tracks,
                          const Expectation& expectation, const Rect& ignore) {
  const int n = reading.frame_count(), w = reading.width, h = reading.height;
  CameraReading cam;
  cam.x.assign(static_cast<size_t>(n), 0.0);
  cam.zoom.assign(static_cast<size_t>(n), 1.0);
  if (n == 0) return cam;

  // The floor, pair by pair.
  std::vector<Profile> profiles;
  for (int f = 0; f < n; ++f) profiles.push_back(floor_profile(clip, f, ignore));
  std::vector<double> textures;
  for (const Profile& p : profiles) textures.push_back(p.texture);
  cam.floor_texture = median(textures);
  // Each frame against a key frame (not only its neighbour: pixel art moves in whole blocks, so neighbours
  // often look alike and small steps would be lost); a new key frame when the view has moved far.
  std::vector<double> key_scale(static_cast<size_t>(n), 1.0), key_shift(static_cast<size_t>(n), 0.0);
  std::vector<int> key_of(static_cast<size_t>(n), 0);
  std::vector<bool> linked(static_cast<size_t>(n), true);
  int registered = 0, key = 0;
  double prior_shift = 0, prior_scale = 1;
  for (int f = 1; f < n; ++f) {
    const FloorShift fs = register_profiles(profiles[key], profiles[f], prior_shift, 5, prior_scale);
    key_of[f] = key;
    if (fs.found) {
      ++registered;
      key_shift[f] = fs.shift;
      key_scale[f] = fs.scale;
      prior_shift = fs.shift;
      prior_scale = fs.scale;
    } else {
      linked[f] = false;
    }
    if (!fs.found || std::abs(fs.scale - 1.0) > 0.06 || std::abs(fs.shift) > 0.2 * w) {
      key = f;
      prior_shift = 0;
      prior_scale = 1;
    }
  }
  const bool floor_ok = n > 1 && registered >= 0.7 * (n - 1);
  std::vector<double> relative(static_cast<size_t>(n), 1.0);
  if (floor_ok) {
    for (int f = 1; f < n; ++f) relative[f] = linked[f] ? relative[key_of[f]] * key_scale[f] : relative[f - 1];
    cam.zoom_measured = true;
    cam.zoom_source = "floor texture";
  } else {
    // Things' sizes: the rigid subject seen (whole, away from the edges) in the most frames.
    int best = -1, best_count = 0;
    for (size_t s = 0; s < tracks.size(); ++s) {
      if (!rigid(tracks[s].kind)) continue;
      int count = 0;
      for (const Detection& d : tracks[s].frames) count += d.found && d.whole && !d.at_edge && d.kind_ok;
      if (count > best_count) {
        best = static_cast<int>(s);
        best_count = count;
      }
    }
    if (best >= 0 && best_count >= n / 2 && best_count >= 3) {
      const auto& frames = tracks[best].frames;
      std::vector<double> size(static_cast<size_t>(n), -1.0);
      for (int f = 0; f < n; ++f)
        if (frames[f].found && frames[f].whole && !frames[f].at_edge && frames[f].kind_ok) size[f] = std::sqrt(frames[f].pixels);
      // Fill gaps from the nearest measured frame, smooth with a 5-frame median, relative to frame 0.
      for (int f = 0; f < n; ++f)
        if (size[f] < 0) {
          for (int d = 1; d < n; ++d) {
            if (f - d >= 0 && size[f - d] > 0) { size[f] = size[f - d]; break; }
            if (f + d < n && size[f + d] > 0) { size[f] = size[f + d]; break; }
          }
        }
      std::vector<double> smooth(static_cast<size_t>(n));
      for (int f = 0; f < n; ++f) {
        std::vector<double> window;
        for (int k = std::max(0, f - 2); k <= std::min(n - 1, f + 2); ++k) window.push_back(size[k]);
        smooth[f] = median(window);
      }
      for (int f = 0; f < n; ++f) relative[f] = smooth[f] / smooth[0];
      cam.zoom_measured = true;
      cam.zoom_source = "things' sizes";
    }
  }
  const double widest = *std::min_element(relative.begin(), relative.end());
  for (int f = 0; f < n; ++f) cam.zoom[f] = relative[f] / widest;

  if (floor_ok) {
    for (int f = 1; f < n; ++f)
      cam.x[f] = linked[f] ? cam.x[key_of[f]] - key_shift[f] / cam.pixels_per_metre(f, w, h) : cam.x[f - 1];
    cam.pan_measured = true;
    cam.pan_source = "floor texture";
    return cam;
  }
  // Things at rest: where they drift in the frame is where the camera went.
  std::vector<std::vector<double>> offsets(static_cast<size_t>(n));
  std::vector<int> anchors;
  for (size_t s = 0; s < tracks.size(); ++s)
    if (stays_still(expectation.subjects[tracks[s].subject])) anchors.push_back(static_cast<int>(s));
  for (int s : anchors) {
    // Camera x relative to this anchor's first sighting: where the anchor was minus where it is now.
    double base = 0;
    bool seen = false;
    for (int f = 0; f < n; ++f) {
      const Detection& d = tracks[s].frames[f];
      if (!d.found || d.at_edge || !d.whole) continue;
      const double in_frame = (d.cx - 0.5 * w) / cam.pixels_per_metre(f, w, h);
      if (!seen) {
        base = in_frame;
        seen = true;
      }
      offsets[f].push_back(base - in_frame);
    }
  }
  int covered = 0;
  for (int f = 0; f < n; ++f) covered += !offsets[f].empty();
  if (!anchors.empty() && covered >= 0.6 * n && !offsets[0].empty()) {
    double last = 0;
    for (int f = 0; f < n; ++f) {
      if (!offsets[f].empty()) last = median(offsets[f]);
      cam.x[f] = last;
    }
    cam.pan_measured = true;
    cam.pan_source = "things at rest";
  }
  return cam;
}

}  // namespace kinema::eval

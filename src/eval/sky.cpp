// Sky profiles and the atlas of the world's empty stage per style and light.
#include "eval/sky.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

namespace kinema::eval {

double distance(Rgbf a, Rgbf b) {
  const double dr = a.r - b.r, dg = a.g - b.g, db = a.b - b.b;
  return std::sqrt(dr * dr + dg * dg + db * db);
}

Rect bounding(const Rect& a, const Rect& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  const int x1 = std::max(a.x + a.width, b.x + b.width), y1 = std::max(a.y + a.height, b.y + b.height);
  return {x0, y0, x1 - x0, y1 - y0};
}

int sky_rows(int height) { return std::max(1, static_cast<int>(std::floor(world::kFloorRow * height))); }

double floor_line(int height) { return world::kFloorRow * height; }

std::vector<Rgbf> sky_profile(const uint8_t* rgb, int width, int height, const Rect& ignore) {
  const int rows = sky_rows(height);
  std::vector<Rgbf> out(static_cast<size_t>(rows));
  std::vector<uint8_t> channel[3];
  for (auto& c : channel) c.reserve(static_cast<size_t>(width));
  for (int y = 0; y < rows; ++y) {
    for (auto& c : channel) c.clear();
    const uint8_t* row = rgb + static_cast<size_t>(y) * width * 3;
    for (int x = 0; x < width; ++x) {
      if (ignore.contains(x, y)) continue;
      for (int k = 0; k < 3; ++k) channel[k].push_back(row[3 * x + k]);
    }
    if (channel[0].empty()) {  // the whole row is ignored: repeat the row above
      out[y] = y > 0 ? out[y - 1] : Rgbf{};
      continue;
    }
    float v[3];
    for (int k = 0; k < 3; ++k) {
      auto mid = channel[k].begin() + channel[k].size() / 2;
      std::nth_element(channel[k].begin(), mid, channel[k].end());
      v[k] = *mid;
    }
    out[y] = {v[0], v[1], v[2]};
  }
  return out;
}

double profile_distance(const std::vector<Rgbf>& a, const std::vector<Rgbf>& b) {
  const size_t n = std::min(a.size(), b.size());
  if (n == 0) return 0.0;
  std::vector<double> d(n);
  for (size_t i = 0; i < n; ++i) d[i] = distance(a[i], b[i]);
  std::sort(d.begin(), d.end());
  const size_t keep = std::max<size_t>(1, n - n / 10);
  double sum = 0;
  for (size_t i = 0; i < keep; ++i) sum += d[i];
  return sum / static_cast<double>(keep);
}

namespace {

world::Scene empty_stage(world::Style style, int width, int height) {
  world::Scene s;
  s.style = style;
  s.format.width = width;
  s.format.height = height;
  s.objects.clear();
  return s;
}

}  // namespace

SkyAtlas::SkyAtlas(int width, int height) : width_(width), height_(height) {
  std::vector<uint8_t> rgb(static_cast<size_t>(width) * height * 3);
  for (int s = 0; s < world::kStyles; ++s) {
    const world::Style style = static_cast<world::Style>(s);
    world::Renderer renderer(empty_stage(style, width, height), width, height);
    profiles_[s].resize(kLights);
    for (int i = 0; i < kLights; ++i) {
      world::FrameState frame;
      frame.light = light_at(i);
      renderer.render(frame, rgb.data());
      profiles_[s][i] = sky_profile(rgb.data(), width, height, Rect{});
    }
  }
}

const SkyAtlas& SkyAtlas::for_size(int width, int height) {
  static std::mutex mutex;
  static std::map<std::pair<int, int>, std::unique_ptr<SkyAtlas>> atlases;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = atlases[{width, height}];
  if (!slot) slot = std::make_unique<SkyAtlas>(width, height);
  return *slot;
}

SkyAtlas::Fit SkyAtlas::fit(world::Style style, const std::vector<Rgbf>& observed) const {
  std::array<double, kLights> d{};
  double best = 1e18;
  for (int i = 0; i < kLights; ++i) {
    d[i] = profile_distance(observed, profile(style, i));
    best = std::min(best, d[i]);
  }
  // The middle of the contiguous run of near-best lights around the best one.
  const double tolerance = std::max(0.4, 0.03 * best);
  int at = 0;
  for (int i = 0; i < kLights; ++i)
    if (d[i] == best) {
      at = i;
      break;
    }
  int lo = at, hi = at;
  while (lo > 0 && d[lo - 1] <= best + tolerance) --lo;
  while (hi + 1 < kLights && d[hi + 1] <= best + tolerance) ++hi;
  double light = 0.5 * (light_at(lo) + light_at(hi));
  if (lo == hi && at > 0 && at + 1 < kLights) {  // a smooth minimum: refine with a parabola
    const double a = d[at - 1], b = d[at], c = d[at + 1];
    const double denom = a - 2 * b + c;
    if (denom > 1e-9) light = light_at(at) + std::clamp(0.5 * (a - c) / denom, -0.5, 0.5) * (light_at(1) - light_at(0));
  }
  return {light, best};
}

std::vector<uint8_t> SkyAtlas::background(world::Style style, double light) const {
  world::Renderer renderer(empty_stage(style, width_, height_), width_, height_);
  std::vector<uint8_t> rgb(static_cast<size_t>(width_) * height_ * 3);
  world::FrameState frame;
  frame.light = std::clamp(light, 0.0, 2.0);
  renderer.render(frame, rgb.data());
  return rgb;
}

}  // namespace kinema::eval

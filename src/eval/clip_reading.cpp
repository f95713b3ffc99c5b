// Reading a clip: its style from the sky and the drawing's texture, then each frame's light and blobs.
#include "eval/clip_reading.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace kinema::eval {
namespace {

double luma(const uint8_t* p) { return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]; }

// The share of colour edges that fall on the boundaries of a block grid (the best of its offsets).
double block_edges(const media::Clip& clip, int frame, int block, const Rect& ignore) {
  if (block < 2) return 0.0;
  const int w = clip.width, h = clip.height;
  const uint8_t* rgb = clip.frame(frame);
  std::vector<double> at(static_cast<size_t>(block), 0.0);
  double total = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x + 1 < w; ++x) {
      const uint8_t* p = rgb + (static_cast<size_t>(y) * w + x) * 3;
      if (ignore.contains(x, y) || ignore.contains(x + 1, y) || std::abs(luma(p) - luma(p + 3)) < 12) continue;
      at[(x + 1) % block] += 1;
      total += 1;
    }
  for (int y = 0; y + 1 < h; ++y)
    for (int x = 0; x < w; ++x) {
      const uint8_t* p = rgb + (static_cast<size_t>(y) * w + x) * 3;
      if (ignore.contains(x, y) || ignore.contains(x, y + 1) || std::abs(luma(p) - luma(p + 3 * w)) < 12) continue;
      at[(y + 1) % block] += 1;
      total += 1;
    }
  if (total < 20) return 0.0;
  return *std::max_element(at.begin(), at.end()) / total;
}

// Luma of the floor's lowest rows over that of the rows just below the floor line: realistic floors darken
// towards the bottom of the frame, flat floors do not.
double floor_shading(const media::Clip& clip, int frame, const Rect& ignore) {
  const int w = clip.width, h = clip.height;
  const int top = static_cast<int>(std::ceil(floor_line(h))) + std::max(2, h / 25);
  const int bottom = h - std::max(1, h / 40);
  if (bottom - top < 3) return 1.0;
  auto row_mean = [&](int y0, int y1) {
    double sum = 0;
    int n = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = 0; x < w; ++x) {
        if (ignore.contains(x, y)) continue;
        sum += luma(clip.frame(frame) + (static_cast<size_t>(y) * w + x) * 3);
        ++n;
      }
    return n > 0 ? sum / n : 0.0;
  };
  const double upper = row_mean(top, top + 2), lower = row_mean(bottom - 2, bottom);
  return upper > 1 ? lower / upper : 1.0;
}

std::vector<int> sample_frames(int count, int wanted) {
  std::vector<int> out;
  for (int i = 0; i < wanted && count > 0; ++i) {
    const int f = wanted > 1 ? static_cast<int>(std::lround(static_cast<double>(i) * (count - 1) / (wanted - 1))) : 0;
    if (out.empty() || out.back() != f) out.push_back(f);
  }
  return out;
}

}  // namespace

StyleReading read_style(const media::Clip& clip, const Rect& ignore) {
  StyleReading r;
  const SkyAtlas& atlas = SkyAtlas::for_size(clip.width, clip.height);
  const auto frames = sample_frames(clip.frame_count(), 5);
  const int block = world::pixel_block(clip.width, clip.height);
  double shading = 0;
  for (int f : frames) {
    const auto profile = sky_profile(clip.frame(f), clip.width, clip.height, ignore);
    for (int s = 0; s < world::kStyles; ++s) r.sky_distance[s] += atlas.fit(static_cast<world::Style>(s), profile).distance;
    r.block_edges += block_edges(clip, f, block, ignore);
    shading += floor_shading(clip, f, ignore);
  }
  const double n = std::max<size_t>(1, frames.size());
  for (double& d : r.sky_distance) d /= n;
  r.block_edges /= n;
  r.floor_shading = shading / n;
  // Evidence per style: the sky (keyed per style) first; pixel art's block grid and realistic floors'
  // shading as robust extras for pictures that do not match the palette exactly.
  std::array<double, world::kStyles> score{};
  const double grid = block > 1 ? (r.block_edges - 0.6) * 12.0 : 0.0;
  const double shade = (0.85 - r.floor_shading) * 10.0;
  for (int s = 0; s < world::kStyles; ++s) {
    const auto style = static_cast<world::Style>(s);
    score[s] = -r.sky_distance[s] / 4.0;
    score[s] += style == world::Style::pixel ? grid : -0.3 * grid;
    score[s] += style == world::Style::realistic ? shade : -0.3 * shade;
  }
  const double top = *std::max_element(score.begin(), score.end());
  double sum = 0;
  for (int s = 0; s < world::kStyles; ++s) sum += r.probability[s] = std::exp(score[s] - top);
  for (double& p : r.probability) p /= sum;
  r.style = static_cast<world::Style>(std::max_element(r.probability.begin(), r.probability.end()) - r.probability.begin());
  return r;
}

ClipReading read_clip(const media::Clip& clip, const Rect& ignore, const world::Style* style) {
  ClipReading out;
  out.width = clip.width;
  out.height = clip.height;
  out.fps = clip.fps;
  out.style = read_style(clip, ignore);
  const world::Style drawn = style ? *style : out.style.style;
  const SkyAtlas& atlas = SkyAtlas::for_size(clip.width, clip.height);
  // The empty stage per light (hundredths), drawn once per clip as needed.
  struct Stage {
    std::vector<uint8_t> rgb;
    std::vector<Rgbf> sky;
  };
  std::map<int, Stage> stages;
  auto stage_at = [&](int key) -> const Stage& {
    auto [it, fresh] = stages.try_emplace(key);
    if (fresh) {
      it->second.rgb = atlas.background(drawn, key / 100.0);
      it->second.sky = sky_profile(it->second.rgb.data(), clip.width, clip.height, {});
    }
    return it->second;
  };
  const int rows = sky_rows(clip.height);
  for (int f = 0; f < clip.frame_count(); ++f) {
    FrameReading fr;
    fr.sky = sky_profile(clip.frame(f), clip.width, clip.height, ignore);
    const SkyAtlas::Fit fit = atlas.fit(drawn, fr.sky);
    fr.sky_misfit = fit.distance;
    // The sun sinks across the frame as the light goes (83 px per unit of light at 128 px): the light that
    // puts the drawn sun and moon where they are seen, near the light the sky's colours give.
    const int base = static_cast<int>(std::lround(fit.light * 100));
    int best_key = base;
    long best_mismatch = -1;
    for (int d = 0; d <= 8; ++d)
      for (int sign : {1, -1}) {
        const int key = base + sign * d;
        if (key < 0 || key > 200 || (d == 0 && sign < 0)) continue;
        const Stage& st = stage_at(key);
        long mismatch = 0;
        for (int y = 0; y < rows; y += 2)
          for (int x = 0; x < clip.width; x += 2) {
            if (ignore.contains(x, y)) continue;
            const size_t i = (static_cast<size_t>(y) * clip.width + x) * 3;
            const uint8_t* p = clip.frame(f) + i;
            const int diff = std::abs(p[0] - st.rgb[i]) + std::abs(p[1] - st.rgb[i + 1]) + std::abs(p[2] - st.rgb[i + 2]);
            mismatch += diff > 36;
          }
        if (best_mismatch < 0 || mismatch < best_mismatch) {
          best_mismatch = mismatch;
          best_key = key;
        }
      }
    fr.light = best_key / 100.0;
    const Stage& background = stage_at(best_key);
    SegmentContext ctx;
    ctx.style = drawn;
    ctx.light = fr.light;
    ctx.sky = &fr.sky;
    ctx.background = &background.rgb;
    ctx.background_sky = &background.sky;
    ctx.ignore = ignore;
    fr.blobs = find_blobs(clip.frame(f), clip.width, clip.height, ctx).blobs;
    out.frames.push_back(std::move(fr));
  }
  return out;
}

}  // namespace kinema::eval

// The visible mark: a small "Kinema · AI" label that glides back and forth along the bottom of the picture.
#include "safety/visible_mark.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace kinema::safety {

namespace {

constexpr int kGlyphRows = 7;
constexpr int kPadding = 2;            // backing around the text, in font pixels
constexpr int kMargin = 4;             // from the frame's edges, in font pixels
constexpr double kPeriodSeconds = 8;   // left to right and back
constexpr double kTextAlpha = 0.85, kBackingAlpha = 0.40;

// The label's glyphs, one string per row, 'X' for ink; 1-pixel gaps are added between glyphs.
struct Glyph {
  std::array<const char*, kGlyphRows> rows;
};

const std::vector<Glyph>& label_glyphs() {
  static const std::vector<Glyph> glyphs = {
      {{"X...X", "X..X.", "X.X..", "XX...", "X.X..", "X..X.", "X...X"}},  // K
      {{"X", ".", "X", "X", "X", "X", "X"}},                              // i
      {{"....", "....", "XXX.", "X..X", "X..X", "X..X", "X..X"}},         // n
      {{"....", "....", ".XX.", "X..X", "XXXX", "X...", ".XXX"}},         // e
      {{".....", ".....", "XX.X.", "X.X.X", "X.X.X", "X.X.X", "X.X.X"}},  // m
      {{"....", "....", ".XX.", "...X", ".XXX", "X..X", ".XXX"}},         // a
      {{"..", "..", "..", "..", "..", "..", ".."}},                       // space
      {{".", ".", ".", "X", ".", ".", "."}},                              // middle dot
      {{"..", "..", "..", "..", "..", "..", ".."}},                       // space
      {{"..X..", ".X.X.", "X...X", "X...X", "XXXXX", "X...X", "X...X"}},  // A
      {{"XXX", ".X.", ".X.", ".X.", ".X.", ".X.", "XXX"}},                // I
  };
  return glyphs;
}

// The label as a mask of font pixels: true where there is ink.
struct Mask {
  int width = 0, height = kGlyphRows;
  std::vector<bool> ink;
};

const Mask& label_mask() {
  static const Mask mask = [] {
    Mask m;
    const auto& glyphs = label_glyphs();
    for (size_t g = 0; g < glyphs.size(); ++g) m.width += static_cast<int>(std::string(glyphs[g].rows[0]).size()) + (g ? 1 : 0);
    m.ink.assign(static_cast<size_t>(m.width) * m.height, false);
    int x0 = 0;
    for (const auto& glyph : glyphs) {
      const int w = static_cast<int>(std::string(glyph.rows[0]).size());
      for (int r = 0; r < kGlyphRows; ++r)
        for (int c = 0; c < w; ++c) m.ink[static_cast<size_t>(r) * m.width + x0 + c] = glyph.rows[r][c] == 'X';
      x0 += w + 1;
    }
    return m;
  }();
  return mask;
}

int scale_for(int height) { return std::max(1, height / 180); }

double triangle(double phase) {
  const double f = phase - std::floor(phase);
  return 1.0 - std::abs(2.0 * f - 1.0);
}

double luma(const uint8_t* p) { return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2]; }

}  // namespace

MarkRect visible_mark_rect(int width, int height, int frame, int fps) {
  const Mask& m = label_mask();
  const int s = scale_for(height);
  MarkRect r;
  r.width = (m.width + 2 * kPadding) * s;
  r.height = (m.height + 2 * kPadding) * s;
  const int margin = kMargin * s;
  const int travel = width - r.width - 2 * margin;
  if (travel < 0 || height < r.height + 2 * margin || fps <= 0) return {};
  const double seconds = static_cast<double>(frame) / fps;
  r.x = margin + static_cast<int>(std::lround(travel * triangle(seconds / kPeriodSeconds)));
  r.y = height - margin - r.height;
  return r;
}

void draw_visible_mark(media::Clip& clip) {
  const Mask& m = label_mask();
  const int s = scale_for(clip.height);
  for (int f = 0; f < clip.frame_count(); ++f) {
    const MarkRect r = visible_mark_rect(clip.width, clip.height, f, clip.fps);
    if (r.width == 0) return;
    uint8_t* rgb = clip.frame(f);
    for (int y = 0; y < r.height; ++y)
      for (int x = 0; x < r.width; ++x) {
        const int fx = x / s - kPadding, fy = y / s - kPadding;
        const bool ink = fx >= 0 && fy >= 0 && fx < m.width && fy < m.height && m.ink[static_cast<size_t>(fy) * m.width + fx];
        uint8_t* p = rgb + (static_cast<size_t>(r.y + y) * clip.width + r.x + x) * 3;
        for (int c = 0; c < 3; ++c) {
          // A translucent dark backing keeps white text legible on bright pictures.
          const double backed = p[c] * (1.0 - kBackingAlpha);
          const double value = ink ? backed + kTextAlpha * (255.0 - backed) : backed;
          p[c] = static_cast<uint8_t>(std::clamp(std::lround(value), 0L, 255L));
        }
      }
  }
}

double visible_mark_presence(const media::Clip& clip) {
  const Mask& m = label_mask();
  const int s = scale_for(clip.height);
  int frames = 0, marked = 0;
  for (int f = 0; f < clip.frame_count(); ++f) {
    const MarkRect r = visible_mark_rect(clip.width, clip.height, f, clip.fps);
    if (r.width == 0) return 0.0;
    ++frames;
    double ink_sum = 0, back_sum = 0;
    int ink_n = 0, back_n = 0;
    const uint8_t* rgb = clip.frame(f);
    for (int y = 0; y < r.height; ++y)
      for (int x = 0; x < r.width; ++x) {
        const int fx = x / s - kPadding, fy = y / s - kPadding;
        const bool inside = fx >= 0 && fy >= 0 && fx < m.width && fy < m.height;
        const bool ink = inside && m.ink[static_cast<size_t>(fy) * m.width + fx];
        const double l = luma(rgb + (static_cast<size_t>(r.y + y) * clip.width + r.x + x) * 3);
        if (ink) {
          ink_sum += l;
          ++ink_n;
        } else if (!inside) {  // the backing's rim, clear of the text's own gaps
          back_sum += l;
          ++back_n;
        }
      }
    // White text over a darkened backing: the ink stands well above the rim in a marked frame.
    if (ink_n > 0 && back_n > 0 && ink_sum / ink_n - back_sum / back_n > 60.0) ++marked;
  }
  return frames ? static_cast<double>(marked) / frames : 0.0;
}

}  // namespace kinema::safety

// Colours of the world per style and light.
#include "world/palette.h"

#include <algorithm>
#include <cmath>

namespace kinema::world {
namespace {

// Things, per style, in the order of Colour: red, orange, yellow, green, blue, purple, pink, white.
constexpr Rgb kThings[kStyles][kColours] = {
    // cartoon: bright, saturated
    {{225, 45, 45}, {245, 140, 30}, {250, 215, 40}, {60, 185, 70}, {45, 105, 230}, {145, 70, 200}, {245, 120, 185}, {245, 245, 245}},
    // realistic: a little deeper
    {{200, 40, 35}, {230, 120, 35}, {235, 200, 50}, {55, 150, 60}, {40, 90, 200}, {120, 60, 170}, {230, 120, 170}, {235, 235, 230}},
    // anime: vivid
    {{235, 60, 70}, {250, 150, 50}, {255, 225, 70}, {70, 200, 110}, {60, 130, 245}, {160, 90, 220}, {255, 140, 200}, {250, 250, 255}},
    // neon: the glow
    {{255, 40, 80}, {255, 140, 0}, {255, 240, 0}, {0, 255, 110}, {30, 140, 255}, {190, 60, 255}, {255, 60, 220}, {240, 240, 255}},
    // pixel: already on the 8-level grid
    {{219, 36, 36}, {255, 146, 36}, {255, 219, 36}, {36, 182, 73}, {36, 109, 255}, {146, 73, 219}, {255, 109, 182}, {255, 255, 255}},
};

// Floors, per style, in the order of Material: wood, metal, grass, ice, sand, water.
constexpr Rgb kFloors[kStyles][kGroundMaterials] = {
    {{170, 112, 62}, {150, 158, 170}, {92, 160, 60}, {150, 214, 232}, {228, 204, 142}, {70, 140, 215}},
    {{140, 92, 52}, {128, 134, 142}, {78, 128, 52}, {150, 198, 222}, {210, 188, 136}, {60, 110, 170}},
    {{180, 120, 70}, {160, 170, 185}, {100, 175, 70}, {140, 218, 240}, {240, 215, 150}, {80, 155, 235}},
    {{22, 14, 32}, {22, 14, 32}, {22, 14, 32}, {22, 14, 32}, {22, 14, 32}, {10, 30, 60}},  // grid lines carry the material
    {{146, 109, 73}, {146, 146, 182}, {73, 182, 36}, {182, 219, 255}, {219, 182, 146}, {36, 109, 219}},
};

// Sky keys per style: {top, horizon} at day, sunset, night.
constexpr SkyColours kSky[kStyles][3] = {
    {{{120, 200, 250}, {120, 200, 250}}, {{238, 122, 118}, {238, 122, 118}}, {{22, 30, 70}, {22, 30, 70}}},
    {{{70, 135, 215}, {185, 215, 240}}, {{70, 60, 130}, {250, 150, 70}}, {{5, 10, 30}, {28, 38, 72}}},
    {{{50, 140, 250}, {170, 225, 255}}, {{110, 70, 170}, {255, 170, 100}}, {{12, 18, 58}, {50, 50, 112}}},
    {{{28, 16, 70}, {90, 40, 150}}, {{22, 4, 44}, {240, 60, 140}}, {{4, 0, 14}, {22, 10, 52}}},
    {{{73, 146, 255}, {146, 219, 255}}, {{219, 109, 73}, {255, 182, 109}}, {{0, 0, 36}, {36, 36, 109}}},
};

constexpr Tint kTints[3] = {{1.0, 1.0, 1.0}, {1.0, 0.8, 0.66}, {0.52, 0.56, 0.8}};

uint8_t clamp_byte(double v) { return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L)); }

// Piecewise linear between the day, sunset and night keys.
template <typename T, typename Mix>
T keyed(const T (&keys)[3], double light, Mix mix_keys) {
  const double l = std::clamp(light, 0.0, 2.0);
  const int i = l < 1.0 ? 0 : 1;
  return mix_keys(keys[i], keys[i + 1], l - i);
}

}  // namespace

Rgb scale(Rgb c, Tint t) { return {clamp_byte(c.r * t.r), clamp_byte(c.g * t.g), clamp_byte(c.b * t.b)}; }

Rgb mix(Rgb a, Rgb b, double t) {
  return {clamp_byte(a.r + (b.r - a.r) * t), clamp_byte(a.g + (b.g - a.g) * t), clamp_byte(a.b + (b.b - a.b) * t)};
}

uint8_t posterize(uint8_t value) { return clamp_byte(std::round(value * 7.0 / 255.0) * 255.0 / 7.0); }

int pixel_block(int width, int height) { return std::max(1, std::min(width, height) / 40); }

Rgb palette_colour(Style style, Colour colour) { return kThings[static_cast<int>(style)][static_cast<int>(colour)]; }

Tint light_tint(double light) {
  return keyed(kTints, light, [](const Tint& a, const Tint& b, double t) {
    return Tint{a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
  });
}

Rgb fill_colour(Style style, Colour colour, double light) {
  const Rgb base = palette_colour(style, colour);
  if (style == Style::neon) return scale(base, {0.3, 0.3, 0.3});
  const Rgb lit = scale(base, light_tint(light));
  if (style == Style::pixel) return {posterize(lit.r), posterize(lit.g), posterize(lit.b)};
  return lit;
}

Colour nearest_colour(Style style, double light, Rgb seen) {
  auto brightest = [](Rgb c) {
    const double top = std::max({1.0, static_cast<double>(c.r), static_cast<double>(c.g), static_cast<double>(c.b)});
    return scale(c, {255 / top, 255 / top, 255 / top});
  };
  const Rgb s = brightest(seen);
  int best = 0;
  double best_distance = 1e18;
  for (int c = 0; c < kColours; ++c) {
    const Rgb f = brightest(fill_colour(style, static_cast<Colour>(c), light));
    const double d = std::pow(f.r - s.r, 2) + std::pow(f.g - s.g, 2) + std::pow(f.b - s.b, 2);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return static_cast<Colour>(best);
}

Rgb floor_colour(Style style, Material material) {
  const int m = std::min(static_cast<int>(material), kGroundMaterials - 1);
  return kFloors[static_cast<int>(style)][m];
}

Rgb lit_floor_colour(Style style, Material material, double light) {
  if (style == Style::neon) return floor_colour(style, material);
  return scale(floor_colour(style, material), light_tint(light));
}

SkyColours sky_colours(Style style, double light) {
  return keyed(kSky[static_cast<int>(style)], light, [](const SkyColours& a, const SkyColours& b, double t) {
    return SkyColours{mix(a.top, b.top, t), mix(a.horizon, b.horizon, t)};
  });
}

}  // namespace kinema::world

// Pictures and label maps: deterministic, lined up with each other in every style, styles and light apart.
#include "world/render.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "world/labels.h"
#include "world/palette.h"
#include "world/world.h"
#include "world_fixtures.h"

namespace kinema::world {
namespace {

using testing::stage;
using testing::thing;

// Balls, boxes, a glass and a character of different colours, side by side and moving.
Scene lineup(Style style, double light) {
  Scene s = stage(Material::grass);
  s.style = style;
  s.light_start = s.light_end = light;
  thing(s, Kind::ball, Action::rest, -1.8, Colour::red, Size::small);
  thing(s, Kind::box, Action::rest, -1.0, Colour::blue, Size::medium);
  thing(s, Kind::glass, Action::rest, -0.2, Colour::green, Size::large);
  thing(s, Kind::ball, Action::drop, 0.6, Colour::yellow, Size::large).height = 1.0;
  thing(s, Kind::box, Action::drop, 1.5, Colour::purple, Size::small).height = 0.6;
  Object& c = thing(s, Kind::character, Action::walk, 1.9, Colour::orange);
  c.speed = 0.8;
  c.direction = -1;
  return s;
}

double distance(const uint8_t* p, Rgb c) {
  return std::sqrt(std::pow(p[0] - c.r, 2) + std::pow(p[1] - c.g, 2) + std::pow(p[2] - c.b, 2));
}

Rgb brightest(Rgb c) {
  const double top = std::max({c.r, c.g, c.b, uint8_t{1}});
  return scale(c, {255 / top, 255 / top, 255 / top});
}
Rgb brightest(const uint8_t* p) { return brightest(Rgb{p[0], p[1], p[2]}); }
double distance(Rgb a, Rgb b) { return std::sqrt(std::pow(a.r - b.r, 2) + std::pow(a.g - b.g, 2) + std::pow(a.b - b.b, 2)); }

// For every thing's label region (eroded by `erode` pixels), whether the picture's mean colour there is
// nearest to that thing's own fill colour among all the style's fill colours.
struct Agreement {
  int regions = 0, agree = 0;
};

Agreement labels_against_picture(const Scene& scene, int erode) {
  const Trace trace = simulate(scene);
  Renderer r(scene, scene.format.width, scene.format.height);
  const int w = scene.format.width, h = scene.format.height;
  std::vector<uint8_t> rgb(w * h * 3), labels(w * h);
  Agreement a;
  for (size_t f = 0; f < trace.frames.size(); f += 8) {
    r.render(trace.frames[f], rgb.data());
    r.labels(trace.frames[f], w, h, labels.data());
    std::map<int, std::array<double, 4>> sums;  // label -> r, g, b, count
    for (int y = erode; y < h - erode; ++y)
      for (int x = erode; x < w - erode; ++x) {
        const uint8_t l = labels[y * w + x];
        if (l < kLabelThings || l >= kLabelFragment) continue;
        bool inside = true;
        for (int dy = -erode; dy <= erode && inside; ++dy)
          for (int dx = -erode; dx <= erode && inside; ++dx) inside = labels[(y + dy) * w + x + dx] == l;
        if (!inside) continue;
        // The character's head is skin by convention (palette.h), not its colour.
        const Tint tint = scene.style == Style::neon ? Tint{0.3, 0.3, 0.3} : light_tint(trace.frames[f].light);
        if (l >= thing_label(Kind::character, Colour::red) && l <= thing_label(Kind::character, Colour::white) &&
            distance(&rgb[(y * w + x) * 3], scale(kSkinColour, tint)) < 40)
          continue;
        auto& s = sums[l];
        for (int c = 0; c < 3; ++c) s[c] += rgb[(y * w + x) * 3 + c];
        s[3] += 1;
      }
    for (const auto& [label, s] : sums) {
      if (s[3] < 3) continue;
      const uint8_t mean[3] = {static_cast<uint8_t>(s[0] / s[3]), static_cast<uint8_t>(s[1] / s[3]), static_cast<uint8_t>(s[2] / s[3])};
      const Colour own = static_cast<Colour>((label - kLabelThings) % kColours);
      // Shading, shadow sides and glows change how bright a colour is, not which colour it is: compare
      // colours brought to the same brightness (the largest channel at 255).
      int nearest = 0;
      double best = 1e9;
      for (int c = 0; c < kColours; ++c) {
        const double d = distance(brightest(mean), brightest(fill_colour(scene.style, static_cast<Colour>(c), trace.frames[f].light)));
        if (d < best) {
          best = d;
          nearest = c;
        }
      }
      ++a.regions;
      a.agree += nearest == static_cast<int>(own);
      if (nearest != static_cast<int>(own) && std::getenv("KINEMA_DEBUG_LABELS"))
        std::fprintf(stderr, "%s frame %zu: %s looks %s (mean %d %d %d, %d px)\n", std::string(name(scene.style)).c_str(), f,
                     label_name(static_cast<uint8_t>(label)).c_str(), std::string(name(static_cast<Colour>(nearest))).c_str(), mean[0], mean[1], mean[2], static_cast<int>(s[3]));
    }
  }
  return a;
}

TEST(Render, LabelMapLinesUpWithThePictureInEveryStyle) {
  for (int style = 0; style < kStyles; ++style)
    for (double light : {0.0, 1.0, 2.0}) {
      const Agreement a = labels_against_picture(lineup(static_cast<Style>(style), light), style == static_cast<int>(Style::neon) ? 2 : 1);
      EXPECT_GE(a.regions, 30) << name(static_cast<Style>(style));
      EXPECT_GE(a.agree, a.regions * 95 / 100) << name(static_cast<Style>(style)) << " light " << light << ": " << a.agree << " of "
                                            << a.regions;
    }
}

TEST(Render, LabelMapsAtAnotherResolutionAgree) {
  const Scene s = lineup(Style::realistic, 0.0);
  const Trace t = simulate(s);
  Renderer r(s, 128, 128);
  std::vector<uint8_t> big(128 * 128), small(32 * 32);
  r.labels(t.frames[20], 128, 128, big.data());
  r.labels(t.frames[20], 32, 32, small.data());
  int same = 0;
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 32; ++x) same += small[y * 32 + x] == big[(4 * y + 2) * 128 + 4 * x + 2];
  EXPECT_GE(same, 32 * 32 * 95 / 100);
  std::set<uint8_t> seen(big.begin(), big.end());
  EXPECT_TRUE(seen.count(kLabelSky));
  EXPECT_TRUE(seen.count(floor_label(Material::grass)));
  EXPECT_TRUE(seen.count(thing_label(Kind::character, Colour::orange)));
  EXPECT_TRUE(seen.count(thing_label(Kind::glass, Colour::green)));
}

TEST(Render, SameSeedSameFramesAndSoundDifferentSeedsDiffer) {
  const Scene s = random_scene(8, testing::shots(2, 2));
  const RenderedScene a = render_scene(s), b = render_scene(s);
  ASSERT_EQ(a.shots.size(), 2u);
  for (size_t k = 0; k < a.shots.size(); ++k) {
    EXPECT_EQ(a.shots[k].clip.frames, b.shots[k].clip.frames);
    EXPECT_EQ(a.shots[k].clip.audio, b.shots[k].clip.audio);
    EXPECT_EQ(a.shots[k].caption.text, b.shots[k].caption.text);
  }
  const RenderedScene c = render_scene(random_scene(9));
  EXPECT_NE(a.shots[0].clip.frames, c.shots[0].clip.frames);
  EXPECT_NE(a.shots[0].clip.audio, c.shots[0].clip.audio);
}

TEST(Render, ShotsHaveTheFormatAndContinueEachOther) {
  const Scene s = random_scene(12, testing::shots(3, 3));
  const RenderedScene r = render_scene(s);
  int64_t samples = 0;
  for (const ShotClip& shot : r.shots) {
    EXPECT_EQ(shot.clip.frame_count(), 49);
    EXPECT_EQ(shot.clip.width, 128);
    EXPECT_EQ(shot.clip.fps, 12);
    EXPECT_EQ(shot.clip.sample_rate, 16000);
    EXPECT_NEAR(static_cast<double>(shot.clip.audio_samples()), 49 * 16000 / 12.0, 1.0);
    samples += shot.clip.audio_samples();
  }
  EXPECT_EQ(samples, track_samples(s));
}

// ---- styles and light apart ----

struct Look {
  double brightness = 0;   // mean luma
  double blocky = 0;       // fraction of aligned 3x3 blocks of one colour
  int colours = 0;         // distinct colours
  double ink = 0;          // fraction of near-black-violet outline pixels
};

Look look_of(Style style, double light) {
  Scene s = lineup(style, light);
  const Trace t = simulate(s);
  Renderer r(s, 128, 128);
  std::vector<uint8_t> rgb(128 * 128 * 3);
  r.render(t.frames[24], rgb.data());
  Look l;
  std::set<uint32_t> colours;
  for (int i = 0; i < 128 * 128; ++i) {
    const uint8_t* p = &rgb[3 * i];
    l.brightness += 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
    colours.insert(p[0] << 16 | p[1] << 8 | p[2]);
    l.ink += distance(p, {30, 24, 40}) < 30;
  }
  l.brightness /= 128 * 128;
  l.ink /= 128 * 128;
  l.colours = static_cast<int>(colours.size());
  int blocks = 0, flat = 0;
  for (int by = 0; by + 3 <= 128; by += 3)
    for (int bx = 0; bx + 3 <= 128; bx += 3) {
      bool same = true;
      for (int k = 0; k < 9; ++k) same = same && std::equal(&rgb[((by + k / 3) * 128 + bx + k % 3) * 3], &rgb[((by + k / 3) * 128 + bx + k % 3) * 3] + 3, &rgb[(by * 128 + bx) * 3]);
      ++blocks;
      flat += same;
    }
  l.blocky = static_cast<double>(flat) / blocks;
  return l;
}

TEST(Render, StylesDifferMeasurably) {
  const Look cartoon = look_of(Style::cartoon, 0), realistic = look_of(Style::realistic, 0), anime = look_of(Style::anime, 0),
             neon = look_of(Style::neon, 0), pixel = look_of(Style::pixel, 0);
  // Neon is dark; the others are daylight.
  for (const Look& l : {cartoon, realistic, anime, pixel}) EXPECT_GT(l.brightness, 2 * neon.brightness);
  EXPECT_LT(neon.brightness, 70);
  // Pixel art is made of 3x3 blocks; the others are not.
  EXPECT_EQ(pixel.blocky, 1.0);
  for (const Look& l : {cartoon, realistic, anime, neon}) EXPECT_LT(l.blocky, 0.97);
  // Flat cartoon uses few colours; shaded realistic, many.
  EXPECT_GT(realistic.colours, 4 * cartoon.colours);
  // Anime draws dark outlines; cartoon none.
  EXPECT_GT(anime.ink, 0.005);
  EXPECT_GT(anime.ink, 5 * cartoon.ink);
}

TEST(Render, SkyDarkensFromDayToSunsetToNightInEveryStyle) {
  for (int style = 0; style < kStyles; ++style) {
    const Style s = static_cast<Style>(style);
    const double day = look_of(s, 0.0).brightness, sunset = look_of(s, 1.0).brightness, night = look_of(s, 2.0).brightness;
    EXPECT_GT(day, night + 20) << name(s);
    EXPECT_GT(sunset, night + 10) << name(s);
  }
}

}  // namespace
}  // namespace kinema::world

// Pixels to blobs: thing pixels get their thing's colour in every style and light, blobs get their kind.
#include "eval/blobs.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "eval/sky.h"
#include "world/world.h"

namespace kinema::eval {
namespace {

struct Agreement {
  int thing_pixels = 0, right = 0;      // interior pixels of things, and those given their colour
  int sky_pixels = 0, false_alarms = 0;  // sky pixels away from things, and those given a colour
};

Agreement agreement(world::Style style, world::TimeOfDay time, uint64_t seed) {
  world::SceneOptions o;
  o.style = style;
  o.time = time;
  const world::Scene scene = world::random_scene(seed, o);
  const world::RenderedScene r = world::render_scene(scene);
  const int w = scene.format.width, h = scene.format.height;
  const auto labels = world::shot_labels(r.scene, r.trace, 0, w, h);
  const SkyAtlas& atlas = SkyAtlas::for_size(w, h);
  Agreement a;
  for (int f = 0; f < scene.format.frames; f += 6) {
    const uint8_t* rgb = r.shots[0].clip.frame(f);
    const auto sky = sky_profile(rgb, w, h, {});
    const auto fit = atlas.fit(style, sky);
    const auto bg = atlas.background(style, fit.light);
    const auto bg_sky = sky_profile(bg.data(), w, h, {});
    SegmentContext ctx;
    ctx.style = style;
    ctx.light = fit.light;
    ctx.sky = &sky;
    ctx.background = &bg;
    ctx.background_sky = &bg_sky;
    const auto cls = classify_pixels(rgb, w, h, ctx);
    const uint8_t* lab = labels.data() + static_cast<size_t>(f) * w * h;
    const int rows = sky_rows(h);
    for (int y = 2; y < rows - 2; ++y)
      for (int x = 2; x < w - 2; ++x) {
        const uint8_t l = lab[y * w + x];
        bool uniform = true;
        for (int dy = -2; dy <= 2; ++dy)
          for (int dx = -2; dx <= 2; ++dx) uniform = uniform && lab[(y + dy) * w + x + dx] == l;
        if (!uniform) continue;
        const uint8_t c = cls[y * w + x];
        if (l >= world::kLabelThings) {
          ++a.thing_pixels;
          a.right += c == (l - world::kLabelThings) % world::kColours;
        } else if (l == world::kLabelSky) {
          ++a.sky_pixels;
          a.false_alarms += c < world::kColours;
        }
      }
  }
  return a;
}

TEST(Blobs, ThingPixelsGetTheirColourInEveryStyleAndLight) {
  for (int s = 0; s < world::kStyles; ++s)
    for (int t = 0; t < world::kTimesOfDay; ++t) {
      Agreement total;
      for (uint64_t seed = 1; seed <= 6; ++seed) {
        const Agreement a = agreement(static_cast<world::Style>(s), static_cast<world::TimeOfDay>(t), seed);
        total.thing_pixels += a.thing_pixels;
        total.right += a.right;
        total.sky_pixels += a.sky_pixels;
        total.false_alarms += a.false_alarms;
      }
      const double recall = static_cast<double>(total.right) / std::max(1, total.thing_pixels);
      const double alarms = static_cast<double>(total.false_alarms) / std::max(1, total.sky_pixels);
      std::printf("%-9s %-6s recall %.3f (%d px)  sky false alarms %.4f\n", std::string(world::name(static_cast<world::Style>(s))).c_str(),
                  std::string(world::name(static_cast<world::TimeOfDay>(t))).c_str(), recall, total.thing_pixels, alarms);
      // Measured (seeds 1..6, every 6th frame): recall 0.95..0.99 in flat styles, 0.86 for realistic's shaded
      // things at night (their dark sides sink into the sky); false alarms 0 but for neon's stars at night (0.45%).
      EXPECT_GT(recall, 0.85);
      EXPECT_LT(alarms, 0.006);
    }
}

}  // namespace
}  // namespace kinema::eval

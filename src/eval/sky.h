// The sky as the judge sees it: per-row colours of the region above the floor line, and the world's own
// empty stage drawn in every style at every light (an atlas) to read style and light from them.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "world/world.h"

namespace kinema::eval {

struct Rgbf {
  float r = 0, g = 0, b = 0;
};
double distance(Rgbf a, Rgbf b);
inline Rgbf rgbf(world::Rgb c) { return {static_cast<float>(c.r), static_cast<float>(c.g), static_cast<float>(c.b)}; }
inline Rgbf rgbf(const uint8_t* p) { return {static_cast<float>(p[0]), static_cast<float>(p[1]), static_cast<float>(p[2])}; }

// A rectangle of pixels; an empty one (width or height 0) holds nothing.
struct Rect {
  int x = 0, y = 0, width = 0, height = 0;
  bool empty() const { return width <= 0 || height <= 0; }
  bool contains(int px, int py) const { return !empty() && px >= x && px < x + width && py >= y && py < y + height; }
};
// The smallest rectangle holding both (an empty one adds nothing): e.g. a moving mark's area over a clip.
Rect bounding(const Rect& a, const Rect& b);

// Rows [0, sky_rows(h)) lie above the floor line (kFloorRow of the height, at every zoom).
int sky_rows(int height);
// The floor line's row, in pixel coordinates (pixel centres at +0.5).
double floor_line(int height);

// The median colour of each row above the floor line, leaving out the ignored rectangle.
std::vector<Rgbf> sky_profile(const uint8_t* rgb, int width, int height, const Rect& ignore);
// Mean colour distance between two profiles over their rows, leaving out the worst tenth (rows a thing covers).
double profile_distance(const std::vector<Rgbf>& a, const std::vector<Rgbf>& b);

// The world's empty stage at one picture size: its sky profile in every style at light 0 .. 2, and the full
// background picture (sky, sun, moon) at any light. Built once per size and shared (thread-safe).
class SkyAtlas {
 public:
  static constexpr int kLights = 101;  // light 0, 0.02, .., 2
  static double light_at(int index) { return 2.0 * index / (kLights - 1); }

  static const SkyAtlas& for_size(int width, int height);

  int width() const { return width_; }
  int height() const { return height_; }
  const std::vector<Rgbf>& profile(world::Style style, int light_index) const {
    return profiles_[static_cast<int>(style)][light_index];
  }

  struct Fit {
    double light = 0;     // best light
    double distance = 0;  // profile distance there
  };
  // The light whose sky in `style` is closest to the observed profile (the middle of the best lights when
  // several fit equally, as posterized pixel-art skies do).
  Fit fit(world::Style style, const std::vector<Rgbf>& observed) const;

  // The empty stage drawn in a style at a light: width * height * 3 bytes.
  std::vector<uint8_t> background(world::Style style, double light) const;

  SkyAtlas(int width, int height);

 private:
  int width_, height_;
  std::array<std::vector<std::vector<Rgbf>>, world::kStyles> profiles_;
};

}  // namespace kinema::eval

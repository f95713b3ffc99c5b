// Shapes and the view: sizes of things in metres, and how a camera maps the world onto pixels. Shared by the
// simulation, the picture, the label map and the judge, so all of them agree on where everything is.
#pragma once

#include <cmath>

#include "world/scene.h"

namespace kinema::world {

struct Vec2 {
  double x = 0.0, y = 0.0;
};

// Balls: radius 0.16 / 0.24 / 0.34 m. The smallest is 8.5 px across at 128x128 and zoom 1 (>= 2 latent
// pixels at the video VAE's 4x spatial compression).
double ball_radius(Size size);
// Boxes: half width and half height (a little wider than tall).
Vec2 box_half_size(Size size);
// A drinking glass: a tapered cup, narrow at the foot, open at the top; its origin is the middle of its foot.
struct GlassShape {
  double foot_half_width, rim_half_width, height;
};
GlassShape glass_shape(Size size);
// The character: origin at the middle of its feet on the floor; upright it is `height` tall (0.85 / 1.0 /
// 1.15 m). Legs from the floor to the hip, torso (its colour) from hip to shoulder, head above.
struct CharacterShape {
  double height, half_width, hip, shoulder, head_radius, limb_width;
};
CharacterShape character_shape(Size size);
// The height of a thing's top above its origin (balls: their radius; the origin is their centre).
double top_of(Kind kind, Size size);
// The height of a thing's origin above its bottom when upright.
double origin_above_bottom(Kind kind, Size size);

// ---- the view -----------------------------------------------------------------------------------------
inline constexpr double kViewSpan = 4.8;   // metres across the shorter side of the frame at zoom 1
inline constexpr double kFloorRow = 0.8;   // the floor line lies this far down the frame, at every zoom

// What the camera does in one frame: the world x at the middle of the frame, and the zoom (1 = default view,
// larger is closer). The floor always sits at kFloorRow, so zooming grows things upwards from the floor.
struct Camera {
  double x = 0.0;
  double zoom = 1.0;
};

// World metres (x right, y up, floor at y = 0) to pixels (x right, y down, pixel centres at +0.5).
struct View {
  double scale = 1.0;              // pixels per metre
  double left = 0.0, floor = 0.0;  // world x at pixel column 0; pixel row of the floor line
  double px(double x) const { return (x - left) * scale; }
  double py(double y) const { return floor - y * scale; }
  double world_x(double column) const { return column / scale + left; }
  double world_y(double row) const { return (floor - row) / scale; }
};

inline View view_for(const Camera& camera, int width, int height) {
  View v;
  v.scale = camera.zoom * std::min(width, height) / kViewSpan;
  v.left = camera.x - width / (2.0 * v.scale);
  v.floor = kFloorRow * height;
  return v;
}

}  // namespace kinema::world

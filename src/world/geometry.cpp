// Sizes of the world's things.
#include "world/geometry.h"

namespace kinema::world {
namespace {

double by_size(Size size, double small, double medium, double large) {
  switch (size) {
    case Size::small: return small;
    case Size::medium: return medium;
    case Size::large: return large;
  }
  return medium;
}

}  // namespace

double ball_radius(Size size) { return by_size(size, 0.16, 0.24, 0.34); }

Vec2 box_half_size(Size size) { return {by_size(size, 0.19, 0.27, 0.36), by_size(size, 0.17, 0.24, 0.32)}; }

GlassShape glass_shape(Size size) {
  const double s = by_size(size, 0.8, 1.0, 1.25);
  return {0.075 * s, 0.11 * s, 0.34 * s};
}

CharacterShape character_shape(Size size) {
  const double s = by_size(size, 0.85, 1.0, 1.15);
  return {1.0 * s, 0.15 * s, 0.42 * s, 0.74 * s, 0.13 * s, 0.075 * s};
}

double top_of(Kind kind, Size size) {
  switch (kind) {
    case Kind::ball: return ball_radius(size);
    case Kind::box: return box_half_size(size).y;
    case Kind::glass: return glass_shape(size).height;
    case Kind::character: return character_shape(size).height;
  }
  return 0.0;
}

double origin_above_bottom(Kind kind, Size size) {
  switch (kind) {
    case Kind::ball: return ball_radius(size);
    case Kind::box: return box_half_size(size).y;
    default: return 0.0;
  }
}

}  // namespace kinema::world

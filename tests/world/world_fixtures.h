// Small scenes for the world's tests, built in code.
#pragma once

#include "world/scene.h"

namespace kinema::world::testing {

// Options for random scenes of lo..hi shots at the default format.
inline SceneOptions shots(int lo, int hi) {
  SceneOptions o;
  o.min_shots = lo;
  o.max_shots = hi;
  return o;
}

// A scene of one shot on `ground` with no things; add them with thing().
inline Scene stage(Material ground, int shots = 1) {
  Scene s;
  s.seed = 11;
  s.ground = ground;
  s.shots.assign(static_cast<size_t>(shots), Shot{});
  return s;
}

// Adds a thing; the reference is valid until the next thing().
inline Object& thing(Scene& s, Kind kind, Action action, double x, Colour colour = Colour::red, Size size = Size::medium) {
  Object o;
  o.id = static_cast<int>(s.objects.size());
  o.kind = kind;
  o.action = action;
  o.x = x;
  o.colour = colour;
  o.size = size;
  s.objects.push_back(o);
  return s.objects.back();
}

}  // namespace kinema::world::testing

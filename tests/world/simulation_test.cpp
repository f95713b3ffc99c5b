// Physics sanity, measured from the simulation trace.
#include "world/simulation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "world/geometry.h"
#include "world_fixtures.h"

namespace kinema::world {
namespace {

using testing::stage;
using testing::thing;

// The first impact of a thing on the floor.
const SoundEvent* first_impact(const Trace& t, int id) {
  for (const SoundEvent& e : t.events)
    if (e.object == id && e.other_object < 0 && (e.kind == SoundKind::impact || e.kind == SoundKind::splash)) return &e;
  return nullptr;
}

TEST(Simulation, DroppedBallFallsWithGravity) {
  Scene s = stage(Material::wood);
  s.format.fps = 60;
  s.format.frames = 61;
  thing(s, Kind::ball, Action::drop, 0.0).height = 3.0;
  const Trace t = simulate(s);
  // Least-squares fit of y = a/2 t^2 + b t + c over the frames before the ball lands.
  ASSERT_NE(first_impact(t, 0), nullptr);
  const double landed = first_impact(t, 0)->time;
  double m[3][4] = {};
  for (const FrameState& f : t.frames) {
    if (f.time >= landed - 0.02) break;
    const double y = f.objects[0].y, basis[3] = {f.time * f.time / 2, f.time, 1};
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) m[r][c] += basis[r] * basis[c];
      m[r][3] += basis[r] * y;
    }
  }
  for (int p = 0; p < 3; ++p)  // Gauss-Jordan on the normal equations
    for (int r = 0; r < 3; ++r) {
      if (r == p) continue;
      const double k = m[r][p] / m[p][p];
      for (int c = 0; c < 4; ++c) m[r][c] -= k * m[p][c];
    }
  const double acceleration = m[0][3] / m[0][0];
  EXPECT_NEAR(acceleration, -kGravity, 0.1);
}

TEST(Simulation, ImpactTimeIsWithinOneSubstepOfFreeFall) {
  Scene s = stage(Material::metal);
  const double drop = 1.5;
  thing(s, Kind::ball, Action::drop, 0.0).height = drop;
  const Trace t = simulate(s);
  const SoundEvent* hit = first_impact(t, 0);
  ASSERT_NE(hit, nullptr);
  // The ball starts `drop` above its resting height (one edge skin, 0.01 m, above the floor line).
  const double expected = std::sqrt(2 * drop / kGravity);
  EXPECT_NEAR(hit->time, expected, t.substep);
  EXPECT_EQ(hit->sample, std::llround(hit->time * s.format.sample_rate));
  EXPECT_DOUBLE_EQ(t.substep, 1.0 / 240);
}

double rebound_height(Material ground) {
  Scene s = stage(ground);
  thing(s, Kind::ball, Action::drop, 0.0).height = 1.5;
  const Trace t = simulate(s);
  if (!first_impact(t, 0)) return -1.0;
  const double landed = first_impact(t, 0)->time;
  double top = 0;
  for (const FrameState& f : t.frames)
    if (f.time > landed) top = std::max(top, f.objects[0].y - ball_radius(Size::medium));
  return top;
}

TEST(Simulation, BallBouncesHigherOnMetalThanOnSand) {
  const double metal = rebound_height(Material::metal), wood = rebound_height(Material::wood), sand = rebound_height(Material::sand);
  EXPECT_GT(metal, 0.5);
  EXPECT_GT(metal, wood);
  EXPECT_GT(wood, sand);
  EXPECT_LT(sand, 0.1);
}

bool runner_falls(Material ground, std::optional<Material> patch) {
  Scene s = stage(ground);
  if (patch) s.patches.push_back({*patch, 0.0, 2.5});
  Object& c = thing(s, Kind::character, Action::run, -2.0);
  c.speed = 3.2;
  const Trace t = simulate(s);
  return t.frames.back().objects[0].pose == Pose::fallen;
}

TEST(Simulation, CharacterRunningOntoIceOrAPuddleFalls) {
  EXPECT_TRUE(runner_falls(Material::grass, Material::ice));
  EXPECT_TRUE(runner_falls(Material::wood, Material::water));
  EXPECT_FALSE(runner_falls(Material::grass, std::nullopt));
  EXPECT_FALSE(runner_falls(Material::wood, Material::sand));
}

TEST(Simulation, CharacterMovesByPhysicsAndKeepsItsGait) {
  Scene s = stage(Material::wood);
  Object& c = thing(s, Kind::character, Action::walk, -1.0);
  c.speed = 1.2;
  const Trace t = simulate(s);
  const ObjectState& end = t.frames.back().objects[0];
  EXPECT_NEAR(end.vx, 1.2, 0.15);
  EXPECT_GT(end.x, 2.5);
  EXPECT_EQ(end.pose, Pose::walk);
  int steps = 0;
  for (const SoundEvent& e : t.events) steps += e.kind == SoundKind::footstep && e.other == Material::wood;
  EXPECT_GE(steps, 6);
}

TEST(Simulation, GlassDroppedFromHeightShattersAndStaysShatteredInTheNextShot) {
  Scene s = stage(Material::wood, 2);
  thing(s, Kind::glass, Action::drop, 0.0, Colour::blue).height = 1.2;
  thing(s, Kind::glass, Action::drop, 1.5, Colour::green).height = 0.05;  // too low to break
  const Trace t = simulate(s);
  const int second_shot = s.format.frames;
  bool shattered_in_first = false;
  for (int f = 0; f < second_shot; ++f) shattered_in_first = shattered_in_first || t.frames[f].objects[0].broken;
  EXPECT_TRUE(shattered_in_first);
  int pieces = 0;
  for (int f = second_shot; f < static_cast<int>(t.frames.size()); ++f) {
    EXPECT_TRUE(t.frames[f].objects[0].broken);
    EXPECT_FALSE(t.frames[f].objects[1].broken);
  }
  for (const ObjectState& o : t.frames.back().objects) pieces += o.fragment && o.parent == 0;
  EXPECT_GE(pieces, 4);
  EXPECT_EQ(std::count_if(t.events.begin(), t.events.end(), [](const SoundEvent& e) { return e.kind == SoundKind::shatter; }), 1);
}

Scene stack_scene(bool with_throw) {
  Scene s = stage(Material::wood);
  thing(s, Kind::box, Action::rest, 1.0, Colour::red, Size::large);
  thing(s, Kind::box, Action::rest, 1.0, Colour::green).on = 0;
  thing(s, Kind::box, Action::rest, 1.0, Colour::yellow).on = 1;
  if (with_throw) {
    Object& ball = thing(s, Kind::ball, Action::throw_, -1.6, Colour::blue);
    ball.height = 1.0;
    ball.speed = 7.5;
    ball.target = 1;
    ball.delay = 0.3;
  }
  return s;
}

double top_drop(const Trace& t) { return t.frames.front().objects[2].y - t.frames.back().objects[2].y; }

TEST(Simulation, StackHitHardTopplesAndAStackAloneStands) {
  const Trace hit = simulate(stack_scene(true));
  const Trace alone = simulate(stack_scene(false));
  EXPECT_GT(top_drop(hit), 0.3);
  EXPECT_LT(std::abs(top_drop(alone)), 0.02);
  EXPECT_LT(std::abs(alone.frames.back().objects[2].angle), 0.02);
}

TEST(Simulation, BallRollsFartherOnWoodThanOnSand) {
  auto distance = [](Material m) {
    Scene s = stage(m);
    Object& b = thing(s, Kind::ball, Action::roll, -3.0);
    b.speed = 2.0;
    const Trace t = simulate(s);
    return t.frames.back().objects[0].x - t.frames.front().objects[0].x;
  };
  EXPECT_GT(distance(Material::wood), 1.5 * distance(Material::sand));
}

TEST(Simulation, SameSceneGivesTheSameTrace) {
  const Scene s = random_scene(42, testing::shots(2, 2));
  const Trace a = simulate(s), b = simulate(s);
  ASSERT_EQ(a.frames.size(), b.frames.size());
  ASSERT_EQ(a.events.size(), b.events.size());
  for (size_t f = 0; f < a.frames.size(); ++f)
    for (size_t i = 0; i < a.frames[f].objects.size(); ++i) {
      EXPECT_EQ(a.frames[f].objects[i].x, b.frames[f].objects[i].x);
      EXPECT_EQ(a.frames[f].objects[i].angle, b.frames[f].objects[i].angle);
    }
  for (size_t i = 0; i < a.events.size(); ++i) EXPECT_EQ(a.events[i].sample, b.events[i].sample);
}

TEST(Simulation, CameraMovesAsTheShotSays) {
  Scene s = stage(Material::wood, 4);
  Object& b = thing(s, Kind::ball, Action::roll, -6.0);
  b.speed = 1.2;
  s.shots = {{CameraMove::pan_left, 0}, {CameraMove::zoom_in, 0}, {CameraMove::follow, 0}, {CameraMove::static_, 0}};
  const Trace t = simulate(s);
  const int n = s.format.frames;
  EXPECT_LT(t.frames[n - 1].camera.x, t.frames[0].camera.x - 1.0);
  EXPECT_GT(t.frames[2 * n - 1].camera.zoom, t.frames[n].camera.zoom + 0.4);
  EXPECT_NEAR(t.frames[3 * n - 1].camera.x, t.frames[3 * n - 1].objects[0].x, 0.3);
  EXPECT_EQ(t.frames[3 * n].camera.x, t.frames[4 * n - 1].camera.x);
}

}  // namespace
}  // namespace kinema::world

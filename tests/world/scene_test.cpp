// Scenes: JSON round trip, validation naming the key, and the random generator's coverage.
#include "world/scene.h"

#include <gtest/gtest.h>

#include <set>

#include "core/error.h"
#include "support/error_of.h"
#include "world_fixtures.h"
#include "world/world.h"

namespace kinema::world {
namespace {

using kinema::testing::error_of;

TEST(Scene, JsonRoundTripKeepsEveryField) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const Scene s = random_scene(seed, testing::shots(1, 3));
    const Json j = to_json(s);
    const Scene back = scene_from_json(Json::parse(j.dump()));
    EXPECT_EQ(to_json(back), j) << "seed " << seed;
  }
}

TEST(Scene, LightRunsStraightBetweenItsTurnsAndTheTurnsSurviveJson) {
  Scene s = random_scene(3, testing::shots(2, 2));
  const double d = s.duration();
  s.light_start = 1.0;
  s.light_turns = {{d / 2, 1.0}};  // a sunset held for the first shot, then night falls
  s.light_end = 1.6;
  validate(s);
  EXPECT_DOUBLE_EQ(s.light_at(0), 1.0);
  EXPECT_DOUBLE_EQ(s.light_at(d / 4), 1.0);
  EXPECT_DOUBLE_EQ(s.light_at(d / 2), 1.0);
  EXPECT_NEAR(s.light_at(3 * d / 4), 1.3, 1e-12);
  EXPECT_DOUBLE_EQ(s.light_at(d), 1.6);
  EXPECT_DOUBLE_EQ(s.light_at(2 * d), 1.6);
  const Scene back = scene_from_json(Json::parse(to_json(s).dump()));
  ASSERT_EQ(back.light_turns.size(), 1u);
  EXPECT_DOUBLE_EQ(back.light_turns[0].at, d / 2);
  EXPECT_NEAR(back.light_at(3 * d / 4), 1.3, 1e-12);

  s.light_turns.push_back({d / 4, 1.2});  // out of time order
  EXPECT_NE(error_of([&] { validate(s); }).find("scene.light.turns[1].at: must lie inside the scene"), std::string::npos);
  s.light_turns = {{d / 2, 2.5}};
  EXPECT_NE(error_of([&] { validate(s); }).find("scene.light.turns[0].light"), std::string::npos);
}

TEST(Scene, ErrorsNameTheKey) {
  Json j = to_json(random_scene(3));
  j["objects"][0]["colour"] = "mauve";
  EXPECT_NE(error_of([&] { scene_from_json(j); }).find("scene.objects[0].colour: unknown value 'mauve'"), std::string::npos);

  j = to_json(random_scene(3));
  j["ground"] = "water";
  EXPECT_NE(error_of([&] { scene_from_json(j); }).find("scene.ground"), std::string::npos);

  j = to_json(random_scene(3));
  j["objects"][0]["target"] = 99;
  EXPECT_NE(error_of([&] { scene_from_json(j); }).find("scene.objects[0].target: no other object with id 99"), std::string::npos);

  j = to_json(random_scene(3));
  j["objects"][0].erase("kind");
  EXPECT_NE(error_of([&] { scene_from_json(j); }).find("scene.objects[0].kind: missing"), std::string::npos);

  j = to_json(random_scene(3));
  j["format"]["width"] = 127;
  EXPECT_NE(error_of([&] { scene_from_json(j); }).find("scene.format.width"), std::string::npos);

  Scene s = random_scene(3);
  s.shots[0] = {CameraMove::follow, -1};
  EXPECT_NE(error_of([&] { validate(s); }).find("scene.shots[0].subject: a follow shot needs a subject"), std::string::npos);
}

TEST(Scene, RandomScenesAreDeterministic) {
  EXPECT_EQ(to_json(random_scene(77)), to_json(random_scene(77)));
  EXPECT_NE(to_json(random_scene(77)), to_json(random_scene(78)));
}

TEST(Scene, RandomScenesCoverTheWorld) {
  std::set<int> kinds, actions, grounds, patches, styles, cameras, times, shot_counts;
  bool stack = false, drift = false;
  for (uint64_t seed = 0; seed < 400; ++seed) {
    const Scene s = random_scene(seed, testing::shots(1, 3));
    grounds.insert(static_cast<int>(s.ground));
    styles.insert(static_cast<int>(s.style));
    times.insert(static_cast<int>(time_of_day(s.light_start)));
    shot_counts.insert(static_cast<int>(s.shots.size()));
    drift = drift || s.light_end > s.light_start + 0.1;
    for (const GroundPatch& p : s.patches) patches.insert(static_cast<int>(p.material));
    for (const Shot& sh : s.shots) cameras.insert(static_cast<int>(sh.camera));
    for (const Object& o : s.objects) {
      kinds.insert(static_cast<int>(o.kind));
      actions.insert(static_cast<int>(o.action));
      stack = stack || (o.on >= 0 && s.find(o.on)->on >= -1 && o.kind == Kind::box);
    }
  }
  EXPECT_EQ(kinds.size(), static_cast<size_t>(kKinds));
  EXPECT_EQ(actions.size(), static_cast<size_t>(kActions));
  EXPECT_EQ(grounds.size(), 5u);
  EXPECT_TRUE(patches.count(static_cast<int>(Material::water)));
  EXPECT_TRUE(patches.count(static_cast<int>(Material::ice)));
  EXPECT_EQ(styles.size(), static_cast<size_t>(kStyles));
  EXPECT_EQ(cameras.size(), static_cast<size_t>(kCameraMoves));
  EXPECT_EQ(times.size(), static_cast<size_t>(kTimesOfDay));
  EXPECT_EQ(shot_counts.size(), 3u);
  EXPECT_TRUE(stack);
  EXPECT_TRUE(drift);
}

TEST(Scene, CutIntoShotsKeepsTheThingsAndMakesKShots) {
  const Scene s = random_scene(5);
  const Scene cut = cut_into_shots(s, 3, 9);
  EXPECT_EQ(cut.shots.size(), 3u);
  EXPECT_EQ(to_json(cut)["objects"], to_json(s)["objects"]);
  EXPECT_EQ(cut.total_frames(), 3 * s.format.frames);
  EXPECT_EQ(cut.shots[0].camera, s.shots[0].camera);
  EXPECT_EQ(cut.shots[0].subject, s.shots[0].subject);
}

}  // namespace
}  // namespace kinema::world

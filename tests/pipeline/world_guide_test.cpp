// Tests for guided mode's inputs from the world: layout windows, event grids, and continuing a scene.
#include "pipeline/world_guide.h"

#include <gtest/gtest.h>

namespace kinema::pipeline {
namespace {

world::RenderedScene simulate_only(const world::Scene& scene) {
  world::WorldOptions options;
  options.pictures = false;
  options.sound.events = options.sound.ambience = false;
  return world::render_scene(scene, options);
}

// Counts pixels of a label in one frame of a window's label maps.
int count_label(const world::RenderedScene& r, int frame, uint8_t label) {
  world::Renderer renderer(r.scene, 64, 64);
  std::vector<uint8_t> labels(64 * 64);
  renderer.labels(r.trace.frames[frame], 64, 64, labels.data());
  return static_cast<int>(std::count(labels.begin(), labels.end(), label));
}

TEST(WorldGuide, ContinuedSceneKeepsWhatBrokeAndStartsWhereTheShotEnded) {
  const auto first = world::parse_prompt("a blue glass falls from high up and shatters on the wood floor");
  const auto shot1 = simulate_only(first.scene);
  const int cut = shot1.scene.total_frames();
  const uint8_t whole = world::thing_label(world::Kind::glass, world::Colour::blue);
  const uint8_t shard = world::thing_label(world::Kind::glass, world::Colour::blue, true);
  ASSERT_GT(count_label(shot1, cut - 1, shard), 0) << "the glass should lie in pieces at the end of shot 1";
  ASSERT_EQ(count_label(shot1, cut - 1, whole), 0);

  const auto next = world::parse_prompt("the camera pans left");
  const auto scene = continue_scene(shot1.scene, next, cut + 49);
  EXPECT_EQ(scene.shots.size(), 2u);
  EXPECT_EQ(scene.style, shot1.scene.style);
  EXPECT_EQ(scene.shots[1].camera, world::CameraMove::pan_left);
  const auto both = simulate_only(scene);
  EXPECT_GT(count_label(both, cut, shard), 0) << "still in pieces after the cut";
  EXPECT_EQ(count_label(both, cut, whole), 0);
  EXPECT_EQ(count_label(both, cut + 48, whole), 0);
  // One simulation: the first shot plays out the same inside the longer scene.
  EXPECT_EQ(count_label(both, cut - 1, shard), count_label(shot1, cut - 1, shard));

  // A window that starts 5 frames before the cut shows the end of shot 1 (drawn the same), then shot 2.
  const auto guide = make_world_guide(both, cut - 5, 49, 64, 64, 0.02, 200);
  const auto last_of_shot1 = make_world_guide(shot1, cut - 5, 5, 64, 64, 0.02, 10);
  EXPECT_TRUE(std::equal(last_of_shot1.layout.frames.begin(), last_of_shot1.layout.frames.end(),
                         guide.layout.frames.begin()));
}

TEST(WorldGuide, TheNewShotsPromptSetsTheStyle) {
  const auto first = world::parse_prompt("a red ball drops onto the metal floor, cartoon style");
  const auto scene = continue_scene(first.scene, world::parse_prompt("neon style"), first.scene.total_frames() + 1);
  EXPECT_EQ(scene.style, world::Style::neon);
  EXPECT_EQ(continue_scene(first.scene, world::parse_prompt("the ball rolls"), 1).style, world::Style::cartoon);
}

TEST(WorldGuide, LightKeepsDriftingAtTheSameRate) {
  auto first = world::parse_prompt("a red ball drops onto the metal floor at sunset").scene;
  first.light_start = 0.8;
  first.light_end = 1.0;
  const auto scene = continue_scene(first, world::parse_prompt("the ball rolls"), first.total_frames() * 2);
  EXPECT_NEAR(scene.light_end, 1.2, 1e-9);
  EXPECT_NEAR(scene.light_at(first.duration()), 1.0, 1e-9);  // the first shot's light is unchanged
}

TEST(WorldGuide, ANewShotAskingForNightfallTurnsTheLightAtTheCut) {
  const auto first = world::parse_prompt("a character walks on sand at sunset").scene;  // light 1.0 throughout
  const double cut = first.duration();
  const auto scene = continue_scene(first, world::parse_prompt("the character keeps walking as night falls"),
                                    first.total_frames() * 2);
  EXPECT_DOUBLE_EQ(scene.light_at(cut / 2), 1.0);  // the first shot's light is unchanged
  EXPECT_DOUBLE_EQ(scene.light_at(cut), 1.0);      // no jump at the cut
  EXPECT_NEAR(scene.light_end, 1.0 + world::kLightDriftPerShot, 1e-9);  // then night falls, as fast as in training
  ASSERT_EQ(scene.light_turns.size(), 1u);
  EXPECT_DOUBLE_EQ(scene.light_turns[0].at, cut);

  // A third shot that asks nothing keeps the new rate.
  const auto third = continue_scene(scene, world::parse_prompt("the character walks"), scene.total_frames() + 1);
  EXPECT_NEAR(third.light_end, 1.0 + 2 * world::kLightDriftPerShot, 1e-9);
  EXPECT_EQ(third.light_turns.size(), 1u);

  // A named time of day is not forced on the new shot: the cut keeps its light.
  const auto day = world::parse_prompt("a box slides on wood during the day").scene;
  const auto sunset = continue_scene(day, world::parse_prompt("the box slides on at sunset"), day.total_frames() * 2);
  EXPECT_DOUBLE_EQ(sunset.light_end, 0.0);
  EXPECT_TRUE(sunset.light_turns.empty());
}

TEST(WorldGuide, ContinuedLightStopsAtDeepNight) {
  auto first = world::parse_prompt("a red ball drops onto the metal floor at night").scene;
  first.light_start = 1.7;
  first.light_end = 1.9;
  const double cut = first.duration();
  const auto scene = continue_scene(first, world::parse_prompt("the ball rolls"), first.total_frames() * 2);
  EXPECT_DOUBLE_EQ(scene.light_at(cut), 1.9);            // the first shot's light is unchanged
  EXPECT_NEAR(scene.light_at(1.5 * cut), 2.0, 1e-9);     // deep night half way through the new shot
  EXPECT_DOUBLE_EQ(scene.light_end, world::kLightNight);  // and it stays there
  ASSERT_EQ(scene.light_turns.size(), 1u);
  EXPECT_NEAR(scene.light_turns[0].at, 1.5 * cut, 1e-9);
}

// The scene description's look follows the window: a continued shot's light starts where the last ended.
TEST(WorldGuide, SceneFeaturesCarryTheStyleAndTheWindowsLight) {
  auto first = world::parse_prompt("a red ball drops onto the metal floor at sunset, neon style").scene;
  first.light_start = 0.8;
  first.light_end = 1.0;
  const auto scene = continue_scene(first, world::parse_prompt("the ball rolls"), first.total_frames() * 2);
  const int frames = first.total_frames();
  const auto shot1 = scene_features(scene, 0, frames), shot2 = scene_features(scene, frames - 1, frames);
  ASSERT_EQ(shot1.size(), static_cast<size_t>(kSceneFeatures));
  for (int s = 0; s < world::kStyles; ++s)
    EXPECT_EQ(shot1[s], s == static_cast<int>(world::Style::neon) ? 1.0f : 0.0f) << s;
  EXPECT_NEAR(shot1[world::kStyles], 0.8 / world::kLightNight, 1e-6);
  EXPECT_NEAR(shot1[world::kStyles + 1], shot2[world::kStyles], 1e-6);  // the cut does not jump
  EXPECT_GT(shot2[world::kStyles + 1], shot2[world::kStyles]);          // and the sunset keeps deepening
  const auto guide = make_world_guide(simulate_only(scene), frames - 1, frames, 64, 64, 0.02, 10);
  EXPECT_EQ(guide.scene, shot2);
}

TEST(WorldGuide, InstantEventsSplitBetweenTheTwoNearestGridFrames) {
  world::SoundEvent e;
  e.kind = world::SoundKind::impact;
  e.material = world::Material::rubber;
  e.other = world::Material::metal;
  e.impulse = 1.0;
  e.time = 0.105;  // grid of 20 ms: centres at 0.09 and 0.11 -> frames 4 and 5, weights 0.25 and 0.75
  const auto grid = rasterize_events({e}, 0.02, 10);
  const int kind = static_cast<int>(world::SoundKind::impact);
  const float strength = static_cast<float>(std::log1p(10.0));
  EXPECT_NEAR(grid[kind * 10 + 4], 0.25f * strength, 1e-4);
  EXPECT_NEAR(grid[kind * 10 + 5], 0.75f * strength, 1e-4);
  const int metal = world::kSoundKinds + world::kMaterials + static_cast<int>(world::Material::metal);
  EXPECT_NEAR(grid[metal * 10 + 5], 0.75f * strength, 1e-4);
  double total = 0;
  for (float v : grid) total += v;
  EXPECT_NEAR(total, 3 * strength, 1e-3);  // kind, sounding and touched material
}

}  // namespace
}  // namespace kinema::pipeline

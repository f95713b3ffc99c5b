// Guided-mode evaluation: a clip's things against the world's simulation of its prompt, frame by frame.
#include "eval/guided.h"

#include <gtest/gtest.h>

#include "world_clips.h"

namespace kinema::eval {
namespace {

const char* const kPrompt = "a red ball drops onto a metal floor and bounces";

TEST(Guided, TheWorldsOwnClipFollowsItsSimulationToAPixel) {
  const auto r = testing::film(kPrompt);
  const GuidedReport g = compare_with_reference(r.shots[0].clip, r, 0);
  ASSERT_EQ(g.subjects.size(), 1u);
  EXPECT_GT(g.in_view, 40);
  EXPECT_GT(g.detection_rate, 0.95);
  EXPECT_LT(g.median, 1.0);
  EXPECT_LT(g.p90, 2.0);
  EXPECT_EQ(g.to_json()["subjects"][0]["frames"].size(), static_cast<size_t>(g.subjects[0].in_view));
}

TEST(Guided, AThingOffItsTrackIsMeasuredOff) {
  const auto r = testing::film(kPrompt);
  const int ball = testing::object_id(r.scene, world::Kind::ball);
  const media::Clip shifted = testing::redraw(r, 0, [&](world::FrameState& s) {
    for (world::ObjectState& o : s.objects)
      if (o.id == ball) o.x += 0.5;  // 13 px at 128 x 128
  });
  const GuidedReport g = compare_with_reference(shifted, r, 0);
  EXPECT_NEAR(g.median, 0.5 * 128 / world::kViewSpan, 2.0);
}

TEST(Guided, ASecondShotIsComparedWhereItStartsInTheSimulation) {
  const world::Scene scene = two_shot_scene("a blue ball rolls to the right on a wooden floor",
                                            "the blue ball keeps rolling, the camera follows it", world::Format{});
  ASSERT_EQ(scene.shots.size(), 2u);
  EXPECT_EQ(scene.shots[1].camera, world::CameraMove::follow);
  const world::RenderedScene r = world::render_scene(scene);
  const GuidedReport right = compare_with_reference_at(r.shots[1].clip, r, scene.format.frames);
  EXPECT_LT(right.median, 1.0);
  // Against the first shot's frames instead, the things are elsewhere.
  const GuidedReport wrong = compare_with_reference_at(r.shots[1].clip, r, 0);
  EXPECT_GT(wrong.median, 5.0);
}

}  // namespace
}  // namespace kinema::eval

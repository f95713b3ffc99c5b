// Guided-mode evaluation: a clip's things against the world's simulation of its prompt, frame by frame.
#include "eval/guided.h"

#include <cmath>
#include <vector>

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

// A thing falling 4 px a frame, drawn off its track by how far into its latent frame (r = 4) the decoded frame
// lies: ahead early, behind late, as a decoder that leans on the latent draws it.
GuidedSubject falling_thing(int frames, double speed_px, int decoded_offset, const std::vector<double>& lag_by_phase) {
  GuidedSubject s;
  for (int f = 0; f < frames; ++f) {
    GuidedFrame g;
    g.frame = f;
    g.reference_x = 64;
    g.reference_y = 10 + speed_px * f;
    const int decoded = f + decoded_offset;
    const double lag = decoded >= 1 ? lag_by_phase[static_cast<size_t>((decoded - 1) % 4)] : 0.0;
    g.detected = true;
    g.x = g.reference_x;
    g.y = g.reference_y + lag;  // down is +y, the way it moves
    s.frames.push_back(g);
  }
  return s;
}

TEST(Guided, LagByLatentPhaseReadsWhereFastThingsAreDrawnWithinALatentFrame) {
  const std::vector<double> pattern{1.0, 0.0, -1.0, -3.0};
  GuidedReport fast;
  fast.subjects.push_back(falling_thing(25, 4.0, 0, pattern));
  fast.subjects[0].frames[9].detected = false;  // a frame the judge missed counts nowhere
  LatentPhaseLag lag(4);
  lag.add(fast);
  ASSERT_EQ(lag.phases(), 4);
  for (int p = 0; p < 4; ++p) EXPECT_NEAR(lag.mean_px(p), pattern[static_cast<size_t>(p)], 1e-9) << "phase " << p + 1;
  EXPECT_EQ(lag.frames(0) + lag.frames(1) + lag.frames(2) + lag.frames(3), 25 - 2 - 1);  // first and last have no speed
  EXPECT_EQ(lag.to_json()[3]["mean_px"].get<double>(), lag.mean_px(3));

  // Slow things do not count, and a continued shot's frames are placed by the frames it left out.
  GuidedReport slow;
  slow.subjects.push_back(falling_thing(25, 1.0, 0, {9.0, 9.0, 9.0, 9.0}));
  GuidedReport continued;
  continued.subjects.push_back(falling_thing(25, 4.0, 5, pattern));
  LatentPhaseLag more(4);
  more.add(slow);
  EXPECT_EQ(more.frames(0) + more.frames(1) + more.frames(2) + more.frames(3), 0);
  more.add(continued, 5);
  for (int p = 0; p < 4; ++p) EXPECT_NEAR(more.mean_px(p), pattern[static_cast<size_t>(p)], 1e-9) << "phase " << p + 1;
  LatentPhaseLag misplaced(4);
  misplaced.add(continued);  // read as if nothing were left out: the phases are wrong
  EXPECT_GT(std::abs(misplaced.mean_px(0) - pattern[0]), 0.5);
}

}  // namespace
}  // namespace kinema::eval

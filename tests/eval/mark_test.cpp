// The judge beside the visible mark (safety/visible_mark.h): with the mark's area left out, a marked world
// clip is judged as the unmarked one.
#include <gtest/gtest.h>

#include "eval/judge.h"
#include "safety/visible_mark.h"
#include "world_clips.h"

namespace kinema::eval {
namespace {

// Everywhere the mark is drawn over the clip (it glides along the bottom).
Rect mark_area(const media::Clip& clip) {
  Rect area;
  for (int f = 0; f < clip.frame_count(); ++f) {
    const safety::MarkRect r = safety::visible_mark_rect(clip.width, clip.height, f, clip.fps);
    area = bounding(area, Rect{r.x, r.y, r.width, r.height});
  }
  return area;
}

TEST(JudgeWithMark, AMarkedClipIsJudgedAsTheUnmarkedOneWithTheMarkLeftOut) {
  for (const char* prompt : {"a red ball drops onto a metal floor and bounces",
                             "the camera pans right over a blue ball rolling on a wooden floor, realistic style",
                             "a yellow ball is thrown onto the grass at sunset, pixel art"}) {
    SCOPED_TRACE(prompt);
    const media::Clip clip = testing::film(prompt).shots[0].clip;
    media::Clip marked = clip;
    safety::draw_visible_mark(marked);
    ASSERT_NE(marked.frames, clip.frames);
    const Rect area = mark_area(marked);
    ASSERT_FALSE(area.empty());
    const Judgement plain = judge(clip, prompt), masked = judge(marked, prompt, {area});
    EXPECT_TRUE(masked.passed) << masked.to_json().dump(1);
    EXPECT_NEAR(masked.overall, plain.overall, 0.05);
    for (size_t i = 0; i < plain.criteria.size(); ++i)
      EXPECT_EQ(masked.criteria[i].applicable, plain.criteria[i].applicable) << plain.criteria[i].name;
  }
}

}  // namespace
}  // namespace kinema::eval

// The visible mark: it stays inside the rectangle the judge is told to ignore, it moves, and it can be seen.
#include <gtest/gtest.h>

#include "media/test_clips.h"
#include "safety/visible_mark.h"

namespace kinema::safety {
namespace {

TEST(VisibleMark, ChangesOnlyPixelsInsideItsRectangle) {
  const media::Clip original = media::testing::pattern_clip(128, 128, 12, 49);
  media::Clip marked = original;
  draw_visible_mark(marked);
  int changed = 0;
  for (int f = 0; f < marked.frame_count(); ++f) {
    const MarkRect r = visible_mark_rect(128, 128, f, 12);
    ASSERT_GT(r.width, 0);
    for (int y = 0; y < 128; ++y)
      for (int x = 0; x < 128; ++x)
        for (int c = 0; c < 3; ++c) {
          const size_t i = (static_cast<size_t>(y) * 128 + x) * 3 + c;
          if (original.frame(f)[i] == marked.frame(f)[i]) continue;
          ++changed;
          EXPECT_TRUE(x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height)
              << "frame " << f << " pixel " << x << "," << y;
        }
  }
  EXPECT_GT(changed, 0);
}

TEST(VisibleMark, IsSmallAndInsideTheFrame) {
  for (int f = 0; f < 200; ++f) {
    const MarkRect r = visible_mark_rect(128, 128, f, 12);
    EXPECT_GE(r.x, 0);
    EXPECT_GE(r.y, 0);
    EXPECT_LE(r.x + r.width, 128);
    EXPECT_LE(r.y + r.height, 128);
    EXPECT_LE(r.width * r.height, 128 * 128 / 25);  // under 4 % of the picture
  }
}

TEST(VisibleMark, MovesAcrossTheFrameOverTime) {
  const MarkRect start = visible_mark_rect(128, 128, 0, 12);
  const MarkRect middle = visible_mark_rect(128, 128, 48, 12);  // 4 s: half the 8 s period, the far side
  const MarkRect end = visible_mark_rect(128, 128, 96, 12);     // 8 s: back at the start
  EXPECT_LT(start.x, middle.x);
  EXPECT_EQ(start.x, end.x);
  EXPECT_EQ(start.y, middle.y);
}

TEST(VisibleMark, ScalesWithLargerFrames) {
  const MarkRect small = visible_mark_rect(128, 128, 0, 12);
  const MarkRect large = visible_mark_rect(1280, 720, 0, 24);
  EXPECT_EQ(large.width, small.width * 4);
  EXPECT_EQ(large.height, small.height * 4);
}

TEST(VisibleMark, TooSmallFrameGetsNone) {
  EXPECT_EQ(visible_mark_rect(32, 32, 0, 12).width, 0);
  media::Clip tiny = media::testing::pattern_clip(32, 32, 12, 3);
  const media::Clip before = tiny;
  draw_visible_mark(tiny);
  EXPECT_EQ(tiny.frames, before.frames);
}

TEST(VisibleMark, IsSeenWhereDrawnAndNotElsewhere) {
  media::Clip clip = media::testing::pattern_clip(128, 128, 12, 24);
  EXPECT_LT(visible_mark_presence(clip), 0.1);
  draw_visible_mark(clip);
  EXPECT_GT(visible_mark_presence(clip), 0.9);
}

}  // namespace
}  // namespace kinema::safety

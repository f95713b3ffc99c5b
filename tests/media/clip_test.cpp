// Tests for media::excerpt: the frames asked for and the sound under them.
#include "media/clip.h"

#include <gtest/gtest.h>

#include "test_clips.h"

namespace kinema::media {
namespace {

using namespace kinema::media::testing;

TEST(Clip, ExcerptKeepsTheFramesAskedForAndTheSoundUnderThem) {
  Clip clip = pattern_clip(16, 8, 12, 24);
  clip.sample_rate = 1200;  // 100 samples per frame, stereo, each sample holding its frame's index
  clip.channels = 2;
  for (int n = 0; n < 2400; ++n) clip.audio.insert(clip.audio.end(), {n / 100.0f, -n / 100.0f});

  const Clip part = excerpt(clip, 5, 10);
  ASSERT_EQ(part.frame_count(), 10);
  EXPECT_EQ(part.width, 16);
  EXPECT_EQ(part.fps, 12);
  for (int f = 0; f < 10; ++f)
    EXPECT_TRUE(std::equal(part.frame(f), part.frame(f) + part.frame_bytes(), clip.frame(5 + f))) << "frame " << f;
  ASSERT_EQ(part.audio_samples(), 1000);
  EXPECT_EQ(part.channels, 2);
  EXPECT_FLOAT_EQ(part.audio.front(), 5.0f);
  EXPECT_FLOAT_EQ(part.audio[1], -5.0f);
  EXPECT_FLOAT_EQ(part.audio.back(), -14.99f);
}

TEST(Clip, ExcerptIsClampedToTheClipAndKeepsASilentClipSilent) {
  const Clip clip = pattern_clip(16, 8, 12, 24);
  EXPECT_EQ(excerpt(clip, 20, 10).frame_count(), 4);
  EXPECT_EQ(excerpt(clip, -3, 2).frame_count(), 2);
  EXPECT_EQ(excerpt(clip, 30, 2).frame_count(), 0);
  EXPECT_TRUE(excerpt(clip, 0, 5).audio.empty());
}

TEST(Clip, ExcerptOfAClipWhoseSoundEndsEarlyKeepsWhatThereIs) {
  Clip clip = pattern_clip(16, 8, 12, 24);
  clip.sample_rate = 1200;
  clip.audio.assign(2350, 0.5f);  // 23.5 frames of sound
  EXPECT_EQ(excerpt(clip, 20, 4).audio_samples(), 350);
  EXPECT_EQ(excerpt(clip, 22, 2).audio_samples(), 150);
  EXPECT_EQ(excerpt(clip, 24, 2).audio_samples(), 0);
}

}  // namespace
}  // namespace kinema::media

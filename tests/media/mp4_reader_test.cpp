// Tests for the media reader: files from our writer and from the ffmpeg tool, and files it must refuse.
#include "media/mp4_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "core/error.h"
#include "support/ffmpeg_tools.h"
#include "media/mp4_writer.h"
#include "support/temp_dir.h"
#include "test_clips.h"

namespace kinema::media {
namespace {

using kinema::testing::TempDir;
using namespace kinema::media::testing;

TEST(Mp4Reader, ReadsSizeFrameRateAndFrameCountOfOwnFile) {
  TempDir dir;
  Clip clip = pattern_clip(96, 64, 24, 30);
  set_tone_audio(clip, 48000, 2, 1.25, 220.0, 0.2f);
  write_mp4(clip, dir / "clip.mp4");
  const MediaFile file = read_mp4(dir / "clip.mp4");
  EXPECT_EQ(file.clip.width, 96);
  EXPECT_EQ(file.clip.height, 64);
  EXPECT_EQ(file.clip.fps, 24);
  EXPECT_EQ(file.clip.frame_count(), 30);
  EXPECT_EQ(file.video_codec, "h264");
  EXPECT_EQ(file.audio_codec, "aac");
  EXPECT_EQ(file.clip.sample_rate, 48000);
  EXPECT_EQ(file.clip.channels, 2);
}

TEST(Mp4Reader, ReadsVp9OpusWebm) {
  TempDir dir;
  run_ffmpeg(
      "-f lavfi -i testsrc2=size=64x48:rate=10 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 1 "
      "-c:v libvpx-vp9 -deadline realtime -c:a libopus " +
      shell_quote((dir / "clip.webm").string()));
  const MediaFile file = read_mp4(dir / "clip.webm");
  EXPECT_EQ(file.video_codec, "vp9");
  EXPECT_EQ(file.audio_codec, "opus");
  EXPECT_EQ(file.clip.width, 64);
  EXPECT_EQ(file.clip.height, 48);
  EXPECT_EQ(file.clip.fps, 10);
  EXPECT_EQ(file.clip.frame_count(), 10);
  EXPECT_EQ(file.clip.sample_rate, 48000);
  EXPECT_EQ(file.clip.channels, 1);
  EXPECT_NEAR(static_cast<double>(file.clip.audio_samples()), 48000.0, 1000.0);
}

TEST(Mp4Reader, FileWithoutAudioHasSampleRateZero) {
  TempDir dir;
  run_ffmpeg("-f lavfi -i testsrc2=size=64x48:rate=10 -t 1 -an -c:v libx264 -preset ultrafast " +
             shell_quote((dir / "mute.mp4").string()));
  const MediaFile file = read_mp4(dir / "mute.mp4");
  EXPECT_EQ(file.clip.sample_rate, 0);
  EXPECT_TRUE(file.clip.audio.empty());
  EXPECT_EQ(file.audio_codec, "");
  EXPECT_EQ(file.clip.frame_count(), 10);
}

TEST(Mp4Reader, DownmixesSurroundToStereo) {
  TempDir dir;
  run_ffmpeg(
      "-f lavfi -i testsrc2=size=64x48:rate=10 -f lavfi -i "
      "sine=frequency=440:sample_rate=48000,aformat=channel_layouts=5.1 -t 1 -c:v libx264 -preset ultrafast "
      "-c:a aac " +
      shell_quote((dir / "surround.mp4").string()));
  const MediaFile file = read_mp4(dir / "surround.mp4");
  EXPECT_EQ(file.clip.channels, 2);
  EXPECT_GT(file.clip.audio_samples(), 40000);
}

TEST(Mp4Reader, MissingFileIsAnIoErrorNamingIt) {
  TempDir dir;
  try {
    read_mp4(dir / "nowhere.mp4");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_NE(std::string(e.what()).find("nowhere.mp4"), std::string::npos) << e.what();
  }
}

TEST(Mp4Reader, NonMediaFileIsAFormatErrorNamingIt) {
  TempDir dir;
  { std::ofstream(dir / "notes.mp4") << "these are not the frames you are looking for\n"; }
  try {
    read_mp4(dir / "notes.mp4");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::format);
    EXPECT_NE(std::string(e.what()).find("notes.mp4"), std::string::npos) << e.what();
  }
}

TEST(Mp4Reader, AudioOnlyFileIsAFormatError) {
  TempDir dir;
  run_ffmpeg("-f lavfi -i sine=frequency=440:sample_rate=48000 -t 0.5 -c:a aac " +
             shell_quote((dir / "sound.m4a").string()));
  try {
    read_mp4(dir / "sound.m4a");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::format);
    EXPECT_NE(std::string(e.what()).find("no video stream"), std::string::npos) << e.what();
  }
}

// A damaged file plays in a player with glitches; the reader reads it the same way instead of
// refusing it, and keeps the sound as long as it was. Each try flips one byte somewhere in the media data.
TEST(Mp4Reader, ReadsAFileWithDamagedPacketsAndKeepsTheSoundInStep) {
  TempDir dir;
  Clip clip = pattern_clip(96, 64, 12, 24);
  set_tone_audio(clip, 16000, 1, 2.0, 330.0, 0.3f);
  write_mp4(clip, dir / "clip.mp4");
  std::vector<char> bytes;
  {
    std::ifstream in(dir / "clip.mp4", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string data(bytes.begin(), bytes.end());
  const size_t mdat = data.find("mdat");
  ASSERT_NE(mdat, std::string::npos);
  const size_t moov = data.find("moov");
  const size_t end = moov != std::string::npos && moov > mdat ? moov - 4 : data.size();
  int damaged = 0;
  for (int k = 1; k < 40; ++k) {
    std::vector<char> edited = bytes;
    edited[mdat + 4 + (end - mdat - 4) * k / 40] ^= 0x10;
    {
      std::ofstream out(dir / "edited.mp4", std::ios::binary);
      out.write(edited.data(), static_cast<std::streamsize>(edited.size()));
    }
    const MediaFile file = read_mp4(dir / "edited.mp4");
    damaged += file.damaged_packets;
    EXPECT_GE(file.clip.frame_count(), 22) << "byte " << k;
    EXPECT_NEAR(file.clip.audio_samples(), 2 * file.clip.sample_rate, file.clip.sample_rate / 12) << "byte " << k;
  }
  EXPECT_GT(damaged, 0) << "no flipped byte damaged a packet: the test did not test the damaged path";
}

}  // namespace
}  // namespace kinema::media

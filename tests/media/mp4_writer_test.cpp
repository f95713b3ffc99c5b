// Tests for the MP4 writer: what ffprobe and our reader find in the file, timing, atomicity, bad input.
#include "media/mp4_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "core/error.h"
#include "support/ffmpeg_tools.h"
#include "media/mp4_reader.h"
#include "support/temp_dir.h"
#include "test_clips.h"

namespace kinema::media {
namespace {

namespace fs = std::filesystem;
using kinema::testing::TempDir;
using namespace kinema::media::testing;

constexpr double kAacFrameSeconds = 1024.0 / 48000.0;

// The clip of the ffprobe checks: 64x48, 12 fps, 2 s, 16 kHz mono sound.
Clip small_clip() {
  Clip clip = pattern_clip(64, 48, 12, 24);
  set_tone_audio(clip, 16000, 1, 2.0, 440.0, 0.3f);
  return clip;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  return names;
}

// Runs f, expecting a kinema::Error; returns it.
Error error_from(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no kinema::Error was thrown";
  return Error(ErrorKind::internal, "");
}

double seconds(const Json& value) { return std::stod(value.get<std::string>()); }

TEST(Mp4Writer, FfprobeSeesH264Yuv420pTaggedBt709) {
  TempDir dir;
  write_mp4(small_clip(), dir / "clip.mp4");
  const Json video = ffprobe_stream(ffprobe(dir / "clip.mp4"), "video");
  EXPECT_EQ(video.at("codec_name"), "h264");
  EXPECT_EQ(video.at("pix_fmt"), "yuv420p");
  EXPECT_EQ(video.at("width"), 64);
  EXPECT_EQ(video.at("height"), 48);
  EXPECT_EQ(video.at("color_space"), "bt709");
  EXPECT_EQ(video.at("color_primaries"), "bt709");
  EXPECT_EQ(video.at("color_transfer"), "bt709");
  EXPECT_EQ(video.at("color_range"), "tv");
}

TEST(Mp4Writer, FfprobeSeesAacLcStereoAt48kHz) {
  TempDir dir;
  write_mp4(small_clip(), dir / "clip.mp4");
  const Json audio = ffprobe_stream(ffprobe(dir / "clip.mp4"), "audio");
  EXPECT_EQ(audio.at("codec_name"), "aac");
  EXPECT_EQ(audio.at("profile"), "LC");
  EXPECT_EQ(audio.at("sample_rate"), "48000");
  EXPECT_EQ(audio.at("channels"), 2);
}

TEST(Mp4Writer, FfprobeSeesFrameRateFrameCountAndDuration) {
  TempDir dir;
  write_mp4(small_clip(), dir / "clip.mp4");
  const Json probe = ffprobe(dir / "clip.mp4");
  const Json video = ffprobe_stream(probe, "video");
  EXPECT_EQ(video.at("r_frame_rate"), "12/1");
  EXPECT_EQ(video.at("avg_frame_rate"), "12/1");
  EXPECT_EQ(video.at("nb_read_frames"), "24");
  EXPECT_NEAR(seconds(video.at("duration")), 2.0, 1.0 / 12);
  EXPECT_NEAR(seconds(probe.at("format").at("duration")), 2.0, 1.0 / 12);
}

TEST(Mp4Writer, BothTracksStartAtZero) {
  TempDir dir;
  write_mp4(small_clip(), dir / "clip.mp4");
  const Json probe = ffprobe(dir / "clip.mp4");
  EXPECT_NEAR(seconds(ffprobe_stream(probe, "video").at("start_time")), 0.0, 1e-6);
  EXPECT_NEAR(seconds(ffprobe_stream(probe, "audio").at("start_time")), 0.0, 1e-6);
}

TEST(Mp4Writer, MoovComesBeforeMdatForFastStart) {
  TempDir dir;
  write_mp4(small_clip(), dir / "clip.mp4");
  const std::string bytes = read_bytes(dir / "clip.mp4");
  const auto moov = bytes.find("moov"), mdat = bytes.find("mdat");
  ASSERT_NE(moov, std::string::npos);
  ASSERT_NE(mdat, std::string::npos);
  EXPECT_LT(moov, mdat);
}

// Pure red is Y'CbCr (63, 102, 240) with BT.709 coefficients but (81, 90, 240) with BT.601.
TEST(Mp4Writer, PictureIsCodedWithBt709Coefficients) {
  TempDir dir;
  write_mp4(solid_clip(64, 48, 12, 6, 255, 0, 0), dir / "red.mp4");
  const std::string yuv =
      run_ffmpeg("-i " + shell_quote((dir / "red.mp4").string()) + " -frames:v 1 -f rawvideo -pix_fmt yuv420p -");
  ASSERT_EQ(yuv.size(), 64u * 48u * 3u / 2u);
  const auto y = static_cast<uint8_t>(yuv[64 * 24 + 32]);
  const auto cb = static_cast<uint8_t>(yuv[64 * 48 + 32 * 12 + 16]);
  const auto cr = static_cast<uint8_t>(yuv[64 * 48 * 5 / 4 + 32 * 12 + 16]);
  EXPECT_NEAR(y, 63, 2);
  EXPECT_NEAR(cb, 102, 2);
  EXPECT_NEAR(cr, 240, 2);
}

TEST(Mp4Writer, DecodedFramesMatchInputAtPsnrAbove35Db) {
  TempDir dir;
  const Clip clip = pattern_clip(128, 128, 12, 24);
  write_mp4(clip, dir / "pattern.mp4");
  const MediaFile file = read_mp4(dir / "pattern.mp4");
  ASSERT_EQ(file.clip.width, 128);
  ASSERT_EQ(file.clip.height, 128);
  ASSERT_EQ(file.clip.frames.size(), clip.frames.size());
  const double db = psnr(clip.frames, file.clip.frames);
  RecordProperty("psnr_db", std::to_string(db));
  EXPECT_GE(db, 35.0);
}

TEST(Mp4Writer, ClickInMono16kHzAudioStaysAtItsTime) {
  TempDir dir;
  Clip clip = pattern_clip(64, 48, 12, 24);
  set_click_audio(clip, 16000, 1, 2.0, 1.0);
  write_mp4(clip, dir / "click.mp4");
  const Clip back = read_mp4(dir / "click.mp4").clip;
  ASSERT_EQ(back.sample_rate, 48000);
  ASSERT_EQ(back.channels, 2);
  EXPECT_NEAR(loudest_moment(back, 0), 1.0, 0.002);
  EXPECT_NEAR(loudest_moment(back, 1), 1.0, 0.002);
}

TEST(Mp4Writer, ClickInStereo48kHzAudioStaysAtItsTime) {
  TempDir dir;
  Clip clip = pattern_clip(64, 48, 12, 24);
  set_click_audio(clip, 48000, 2, 2.0, 1.0);
  write_mp4(clip, dir / "click.mp4");
  const Clip back = read_mp4(dir / "click.mp4").clip;
  ASSERT_EQ(back.sample_rate, 48000);
  EXPECT_NEAR(loudest_moment(back, 0), 1.0, 0.002);
  EXPECT_NEAR(loudest_moment(back, 1), 1.0, 0.002);
}

TEST(Mp4Writer, MonoSoundPlaysOnBothChannelsAtFullLevel) {
  TempDir dir;
  Clip clip = pattern_clip(64, 48, 12, 24);
  set_tone_audio(clip, 16000, 1, 2.0, 440.0, 0.5f);
  write_mp4(clip, dir / "tone.mp4");
  const Clip back = read_mp4(dir / "tone.mp4").clip;
  const double expected = 0.5 / std::sqrt(2.0);
  EXPECT_NEAR(rms(back, 0, 4800, 91200), expected, 0.05 * expected);
  EXPECT_NEAR(rms(back, 1, 4800, 91200), expected, 0.05 * expected);
}

// Writes `clip` (24 frames at 12 fps) and checks both ffprobe's and our reader's audio length.
void expect_audio_as_long_as_picture(const Clip& clip) {
  TempDir dir;
  write_mp4(clip, dir / "clip.mp4");
  const Json probe = ffprobe(dir / "clip.mp4");
  const double video = seconds(ffprobe_stream(probe, "video").at("duration"));
  const double audio = seconds(ffprobe_stream(probe, "audio").at("duration"));
  EXPECT_NEAR(video, 2.0, 1e-6);
  EXPECT_NEAR(audio, video, kAacFrameSeconds);
  const Clip back = read_mp4(dir / "clip.mp4").clip;
  EXPECT_NEAR(static_cast<double>(back.audio_samples()), 96000.0, 1024.0);
}

TEST(Mp4Writer, AudioTrackIsAsLongAsPictureWhenInputMatches) {
  Clip clip = pattern_clip(64, 48, 12, 24);
  set_tone_audio(clip, 16000, 1, 2.0, 440.0, 0.3f);
  expect_audio_as_long_as_picture(clip);
}

TEST(Mp4Writer, AudioTrackIsAsLongAsPictureWhenInputIsShorter) {
  Clip clip = pattern_clip(64, 48, 12, 24);
  set_tone_audio(clip, 16000, 1, 0.7, 440.0, 0.3f);
  expect_audio_as_long_as_picture(clip);
}

TEST(Mp4Writer, AudioTrackIsAsLongAsPictureWhenInputIsLonger) {
  Clip clip = pattern_clip(64, 48, 12, 24);
  set_tone_audio(clip, 44100, 2, 3.5, 440.0, 0.3f);
  expect_audio_as_long_as_picture(clip);
}

TEST(Mp4Writer, AudioTrackIsAsLongAsPictureWhenInputHasNoSound) {
  expect_audio_as_long_as_picture(pattern_clip(64, 48, 12, 24));
}

TEST(Mp4Writer, SoundStopsWhereShorterInputEnds) {
  TempDir dir;
  Clip clip = pattern_clip(64, 48, 12, 24);
  set_tone_audio(clip, 16000, 1, 0.5, 440.0, 0.5f);
  write_mp4(clip, dir / "short.mp4");
  const Clip back = read_mp4(dir / "short.mp4").clip;
  EXPECT_GT(rms(back, 0, 4800, 19200), 0.3);                    // 0.1 .. 0.4 s: the tone
  EXPECT_LT(rms(back, 0, 28800, back.audio_samples()), 0.005);  // 0.6 s ..: silence
}

TEST(Mp4Writer, ClipWithoutSoundGetsSilentTrack) {
  TempDir dir;
  write_mp4(pattern_clip(64, 48, 12, 24), dir / "silent.mp4");
  const MediaFile file = read_mp4(dir / "silent.mp4");
  EXPECT_EQ(file.audio_codec, "aac");
  EXPECT_EQ(file.clip.sample_rate, 48000);
  EXPECT_LT(rms(file.clip, 0, 0, file.clip.audio_samples()), 1e-4);
}

TEST(Mp4Writer, BitexactWritesAreByteIdentical) {
  TempDir dir;
  Mp4Options options;
  options.bitexact = true;
  options.title = "same";
  const Clip clip = small_clip();
  write_mp4(clip, dir / "a.mp4", options);
  write_mp4(clip, dir / "b.mp4", options);
  const std::string a = read_bytes(dir / "a.mp4"), b = read_bytes(dir / "b.mp4");
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(a == b) << "files differ: " << a.size() << " vs " << b.size() << " bytes";
}

TEST(Mp4Writer, ProgressIsReportedEveryFrameAndEndsAtOne) {
  TempDir dir;
  std::vector<double> fractions;
  write_mp4(small_clip(), dir / "clip.mp4", {}, [&](double f) {
    fractions.push_back(f);
    return true;
  });
  EXPECT_GE(fractions.size(), 24u);
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_GE(fractions.front(), 0.0);
  EXPECT_EQ(fractions.back(), 1.0);
}

bool cancel_halfway(double fraction) { return fraction < 0.5; }

TEST(Mp4Writer, CancelFromProgressThrowsCancelled) {
  TempDir dir;
  const Error error = error_from([&] { write_mp4(small_clip(), dir / "clip.mp4", {}, cancel_halfway); });
  EXPECT_EQ(error.kind(), ErrorKind::cancelled);
  EXPECT_NE(std::string(error.what()).find("clip.mp4"), std::string::npos) << error.what();
}

TEST(Mp4Writer, CancelLeavesNeitherTargetNorTemporaryFile) {
  TempDir dir;
  EXPECT_THROW(write_mp4(small_clip(), dir / "clip.mp4", {}, cancel_halfway), Error);
  EXPECT_TRUE(names_in(dir.path()).empty());
}

TEST(Mp4Writer, CancelLeavesExistingFileUntouched) {
  TempDir dir;
  { std::ofstream(dir / "clip.mp4", std::ios::binary) << "the previous export"; }
  EXPECT_THROW(write_mp4(small_clip(), dir / "clip.mp4", {}, cancel_halfway), Error);
  EXPECT_EQ(read_bytes(dir / "clip.mp4"), "the previous export");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"clip.mp4"});
}

TEST(Mp4Writer, CancelAtTheLastMomentStillWritesNothing) {
  TempDir dir;
  EXPECT_THROW(write_mp4(small_clip(), dir / "clip.mp4", {}, [](double f) { return f < 1.0; }), Error);
  EXPECT_TRUE(names_in(dir.path()).empty());
}

// Expects write_mp4 to refuse `clip` with invalid_input, a message containing `words`, and no file.
void expect_rejected(const Clip& clip, const std::string& words, const Mp4Options& options = {}) {
  TempDir dir;
  const Error error = error_from([&] { write_mp4(clip, dir / "bad.mp4", options); });
  EXPECT_EQ(error.kind(), ErrorKind::invalid_input);
  EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
  EXPECT_NE(std::string(error.what()).find("bad.mp4"), std::string::npos) << error.what();
  EXPECT_TRUE(names_in(dir.path()).empty());
}

TEST(Mp4Writer, RejectsOddWidth) { expect_rejected(pattern_clip(65, 48, 12, 2), "must be even"); }

TEST(Mp4Writer, RejectsOddHeight) { expect_rejected(pattern_clip(64, 47, 12, 2), "must be even"); }

TEST(Mp4Writer, RejectsZeroFrameRate) {
  Clip clip = pattern_clip(64, 48, 12, 2);
  clip.fps = 0;
  expect_rejected(clip, "frame rate must be positive");
}

TEST(Mp4Writer, RejectsClipWithoutFrames) { expect_rejected(pattern_clip(64, 48, 12, 0), "no frames"); }

TEST(Mp4Writer, RejectsPartialFrame) {
  Clip clip = pattern_clip(64, 48, 12, 2);
  clip.frames.pop_back();
  expect_rejected(clip, "not a whole number");
}

TEST(Mp4Writer, RejectsSurroundSound) {
  Clip clip = pattern_clip(64, 48, 12, 2);
  clip.sample_rate = 48000;
  clip.channels = 6;
  clip.audio.assign(6 * 100, 0.0f);
  expect_rejected(clip, "mono or stereo");
}

TEST(Mp4Writer, RejectsUnknownPreset) {
  Mp4Options options;
  options.preset = "warp";
  expect_rejected(pattern_clip(64, 48, 12, 2), "unknown x264 preset 'warp'", options);
}

TEST(Mp4Writer, RejectsMissingOutputFolder) {
  TempDir dir;
  const Error error = error_from([&] { write_mp4(small_clip(), dir / "no-such-folder" / "clip.mp4"); });
  EXPECT_EQ(error.kind(), ErrorKind::io);
  EXPECT_NE(std::string(error.what()).find("does not exist"), std::string::npos) << error.what();
  EXPECT_TRUE(names_in(dir.path()).empty());
}

TEST(Mp4Writer, RejectsUnwritableOutputFolder) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write into any folder";
  TempDir dir;
  fs::create_directory(dir / "locked");
  fs::permissions(dir / "locked", fs::perms::owner_read | fs::perms::owner_exec);
  const Error error = error_from([&] { write_mp4(small_clip(), dir / "locked" / "clip.mp4"); });
  fs::permissions(dir / "locked", fs::perms::owner_all);
  EXPECT_EQ(error.kind(), ErrorKind::io);
  EXPECT_NE(std::string(error.what()).find("not writable"), std::string::npos) << error.what();
  EXPECT_TRUE(names_in(dir / "locked").empty());
}

TEST(Mp4Writer, FileThatCannotBeCreatedIsAnIoErrorNamingIt) {
  TempDir dir;
  const std::string name = std::string(250, 'x') + ".mp4";  // longer than a file name may be
  const Error error = error_from([&] { write_mp4(small_clip(), dir / name); });
  EXPECT_EQ(error.kind(), ErrorKind::io);
  EXPECT_NE(std::string(error.what()).find(name), std::string::npos) << error.what();
  EXPECT_NE(std::string(error.what()).find("File name too long"), std::string::npos) << error.what();
  EXPECT_TRUE(names_in(dir.path()).empty());
}

TEST(Mp4Writer, RejectsAudioThatIsNotANumber) {
  Clip clip = small_clip();
  clip.audio[100] = std::nanf("");
  expect_rejected(clip, "audio sample 100 is not a finite number");
}

Mp4Options tagged_options() {
  Mp4Options options;
  options.title = "A red ball bounces";
  options.comment = "made by a test";
  return options;
}

TEST(Mp4Writer, TitleCommentAndEncoderComeBackThroughReader) {
  TempDir dir;
  write_mp4(small_clip(), dir / "clip.mp4", tagged_options());
  const MediaFile file = read_mp4(dir / "clip.mp4");
  EXPECT_EQ(file.metadata.at("title"), "A red ball bounces");
  EXPECT_EQ(file.metadata.at("comment"), "made by a test");
  EXPECT_EQ(file.metadata.at("encoder"), "Kinema " KINEMA_VERSION);
}

TEST(Mp4Writer, TitleCommentAndEncoderShowInFfprobeFormatTags) {
  TempDir dir;
  write_mp4(small_clip(), dir / "clip.mp4", tagged_options());
  const Json tags = ffprobe(dir / "clip.mp4").at("format").at("tags");
  EXPECT_EQ(tags.at("title"), "A red ball bounces");
  EXPECT_EQ(tags.at("comment"), "made by a test");
  EXPECT_EQ(tags.at("encoder"), "Kinema " KINEMA_VERSION);
}

TEST(Mp4Writer, CustomMetadataKeysComeBack) {
  TempDir dir;
  Mp4Options options = tagged_options();
  options.metadata = {{"prompt", "a red ball bounces on grass"}, {"seed", "42"}};
  write_mp4(small_clip(), dir / "clip.mp4", options);
  const MediaFile file = read_mp4(dir / "clip.mp4");
  EXPECT_EQ(file.metadata.at("prompt"), "a red ball bounces on grass");
  EXPECT_EQ(file.metadata.at("seed"), "42");
  EXPECT_EQ(file.metadata.at("title"), "A red ball bounces");
  EXPECT_EQ(file.metadata.at("encoder"), "Kinema " KINEMA_VERSION);
}

TEST(Mp4Writer, BitexactFileKeepsEncoderTag) {
  TempDir dir;
  Mp4Options options = tagged_options();
  options.bitexact = true;
  write_mp4(small_clip(), dir / "clip.mp4", options);
  EXPECT_EQ(read_mp4(dir / "clip.mp4").metadata.at("encoder"), "Kinema " KINEMA_VERSION);
}

}  // namespace
}  // namespace kinema::media

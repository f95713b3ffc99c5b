// End-to-end tests of `kinema generate` and `kinema info` on the fixture model, run as a subprocess.
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "support/ffmpeg_tools.h"
#include "support/fixture_model.h"
#include "support/temp_dir.h"

namespace kinema {
namespace {

namespace fs = std::filesystem;
using media::testing::ffprobe;
using media::testing::ffprobe_stream;
using media::testing::shell_quote;

struct Outcome {
  int status = -1;
  std::string out, err;
};

// Runs build/kinema with arguments; captures stdout and stderr.
Outcome kinema(const std::string& arguments, const fs::path& scratch, const std::string& env = "") {
  const fs::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  const std::string command = env + " " + shell_quote(KINEMA_CLI_PATH) + " " + arguments + " >" +
                              shell_quote(out.string()) + " 2>" + shell_quote(err.string());
  Outcome run;
  const int raw = std::system(command.c_str());
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  auto slurp = [](const fs::path& p) {
    std::ifstream in(p);
    return std::string{std::istreambuf_iterator<char>(in), {}};
  };
  run.out = slurp(out);
  run.err = slurp(err);
  return run;
}

class Cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    testing::make_fixture_model(dir_->path() / "model");
  }
  static void TearDownTestSuite() { delete dir_; }
  static fs::path model() { return dir_->path() / "model"; }
  static std::string generate(const std::string& extra, const fs::path& out) {
    return "generate --model " + shell_quote(model()) + " --prompt 'a red ball bounces' --seed 3 " + extra +
           " --out " + shell_quote(out.string());
  }
  static inline testing::TempDir* dir_ = nullptr;
};

TEST_F(Cli, GenerateWritesAnMp4WithPictureAndSoundOfEqualLength) {
  testing::TempDir scratch;
  const fs::path out = scratch / "clip.mp4";
  const Outcome run = kinema(generate("--seconds 2 --steps 3 --solver heun", out), scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("real-time factor"), std::string::npos) << run.out;
  const Json probe = ffprobe(out);
  const Json video = ffprobe_stream(probe, "video"), audio = ffprobe_stream(probe, "audio");
  EXPECT_EQ(video.at("codec_name"), "h264");
  EXPECT_EQ(audio.at("codec_name"), "aac");
  EXPECT_EQ(video.at("nb_read_frames"), "17");
  EXPECT_EQ(video.at("r_frame_rate"), "8/1");
  const double video_seconds = std::stod(video.at("duration").get<std::string>());
  const double audio_seconds = std::stod(audio.at("duration").get<std::string>());
  EXPECT_NEAR(video_seconds, 17.0 / 8, 0.125);
  EXPECT_NEAR(audio_seconds, video_seconds, 1024.0 / 48000 + 1e-3);
  EXPECT_NE(probe.at("format").at("tags").at("title").get<std::string>().find("a red ball bounces"), std::string::npos);
}

TEST_F(Cli, InfoPrintsConfigParametersAndVocabulary) {
  testing::TempDir scratch;
  const Outcome run = kinema("info --model " + shell_quote(model()), scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  for (const char* text : {"model       fixture", "vocabulary", "dit", "text_encoder", "total", "\"patch\""})
    EXPECT_NE(run.out.find(text), std::string::npos) << text << "\n" << run.out;
}

TEST_F(Cli, NoSuchModelIsOneClearLine) {
  testing::TempDir scratch;
  const Outcome run = kinema("generate --model /nonexistent/model --prompt x --out " + shell_quote(scratch / "a.mp4"),
                         scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err, "kinema generate: no model folder at /nonexistent/model\n");
  EXPECT_FALSE(fs::exists(scratch / "a.mp4"));
}

TEST_F(Cli, NoInstalledModelSaysWhatToDo) {
  testing::TempDir scratch;
  const Outcome run = kinema("generate --prompt x --out " + shell_quote(scratch / "a.mp4"), scratch.path(),
                         "KINEMA_MODEL=" + shell_quote(scratch / "none"));
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("no model folder at"), std::string::npos) << run.err;
}

TEST_F(Cli, MalformedWeightsAreNamed) {
  testing::TempDir scratch;
  fs::copy(model(), scratch / "broken", fs::copy_options::recursive);
  fs::path shard;
  for (const auto& entry : fs::directory_iterator(scratch / "broken"))
    if (entry.path().filename().string().rfind("model-00001-of-", 0) == 0) shard = entry.path();
  ASSERT_FALSE(shard.empty()) << "the fixture should have several shards";
  fs::resize_file(shard, fs::file_size(shard) - 100);
  const Outcome run = kinema("generate --model " + shell_quote(scratch / "broken") + " --prompt x --out " +
                             shell_quote(scratch / "a.mp4"),
                         scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find(shard.filename().string()), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("past the end"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(scratch / "a.mp4"));
}

TEST_F(Cli, EmptyPromptIsAUsageError) {
  testing::TempDir scratch;
  const Outcome run = kinema("generate --model " + shell_quote(model()) + " --prompt '  ' --out " +
                             shell_quote(scratch / "a.mp4"),
                         scratch.path());
  EXPECT_EQ(run.status, 2);
  EXPECT_EQ(run.err, "kinema generate: the prompt is empty\n");
}

TEST_F(Cli, LengthTheModelCannotMakeIsRefusedBeforeWork) {
  testing::TempDir scratch;
  const Outcome run = kinema(generate("--seconds 30", scratch / "a.mp4"), scratch.path());
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.err.find("makes clips of at most 2.12 s; 30.00 s was asked for"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(scratch / "a.mp4"));
}

TEST_F(Cli, UnwritableOutputFailsBeforeWorkAndWritesNothing) {
  testing::TempDir scratch;
  Outcome run = kinema(generate("", "/nonexistent/dir/a.mp4"), scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("cannot write /nonexistent/dir/a.mp4"), std::string::npos) << run.err;
  fs::create_directories(scratch / "locked");
  ::chmod((scratch / "locked").c_str(), 0555);
  if (::access((scratch / "locked").c_str(), W_OK) != 0) {  // root can write anywhere; skip the check then
    run = kinema(generate("", scratch / "locked" / "a.mp4"), scratch.path());
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.err.find("not writable"), std::string::npos) << run.err;
  }
  run = kinema(generate("", scratch.path()), scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("it is a folder"), std::string::npos) << run.err;
}

TEST_F(Cli, BadFlagsAreUsageErrors) {
  testing::TempDir scratch;
  EXPECT_EQ(kinema(generate("--steps many", scratch / "a.mp4"), scratch.path()).status, 2);
  EXPECT_EQ(kinema(generate("--solver dpm", scratch / "a.mp4"), scratch.path()).status, 2);
  EXPECT_EQ(kinema(generate("--frobnicate 1", scratch / "a.mp4"), scratch.path()).status, 2);
  EXPECT_EQ(kinema("generate --prompt x", scratch.path()).status, 2);  // no --out
  EXPECT_EQ(kinema("bogus", scratch.path()).status, 2);
  EXPECT_FALSE(fs::exists(scratch / "a.mp4"));
}

// `kinema world plan` shows what guided generation takes from the world: the layout and the sound events.
TEST(CliWorld, PlanWritesTheLayoutTheModelIsGivenAndTheSimulatorsSoundEvents) {
  testing::TempDir scratch;
  const Outcome run = kinema("world plan --prompt 'a red ball drops onto a metal floor and bounces, at night' --out " +
                                 shell_quote(scratch / "plan"),
                             scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("words the world does not know: none"), std::string::npos) << run.out;
  const Json video = ffprobe_stream(ffprobe(scratch / "plan/layout.mp4"), "video");
  EXPECT_EQ(video.at("nb_read_frames"), "49");
  EXPECT_EQ(video.at("width"), 128);
  std::ifstream in(scratch / "plan/events.json");
  const Json events = Json::parse(in);
  int impacts_on_metal = 0;
  double last = -1;
  for (const Json& e : events) {
    EXPECT_GE(e.at("time").get<double>(), last);  // in time order, within the clip
    EXPECT_LT(e.at("time").get<double>(), 49.0 / 12);
    last = e.at("time").get<double>();
    if (e.at("kind") == "impact" && e.at("touches") == "metal" && e.at("impulse").get<double>() > 0) ++impacts_on_metal;
  }
  EXPECT_GE(impacts_on_metal, 2) << events.dump(1);  // it lands and bounces
  std::ifstream scene(scratch / "plan/scene.json");
  EXPECT_EQ(Json::parse(scene).at("light").at("start").get<double>(), 2.0);  // night
}

// The shipped model's regression test: models/kinema-tiny makes the list's clips in guided mode from a fixed
// seed, and the judge scores them no worse than a floor under what they measured when the model was exported
// (below; the model card has the whole evaluation set): generation is deterministic, so the margin only absorbs another CPU's arithmetic.
TEST(ShippedModel, GuidedClipsScoreAboveTheMeasuredFloor) {
  // Measured on the model at DiT step 8000 (the last 1000 steps with the look term) with the decoder fine-tuned
  // on smeared, blurred and faded things (thing_noise, still_things, thing_blur, thing_erase) with the scene and
  // pixel art's grid, guided at its defaults (the world's caption, layout guidance 1.5 at 8 steps): overall
  // 0.924, things found in 98.4% of the frames they should be.
  constexpr double kMeasuredOverall = 0.924, kMeasuredDetection = 0.984;
  const fs::path model = fs::path(KINEMA_SOURCE_DIR) / "models" / "kinema-tiny";
  ASSERT_TRUE(fs::exists(model / "model.json")) << "no model in " << model;
  testing::TempDir scratch;
  const fs::path report = scratch / "report.json";
  const Outcome run = kinema("eval --prompts " + shell_quote(fs::path(KINEMA_SOURCE_DIR) / "tests/cli/shipped_model_prompts.txt") +
                                 " --model " + shell_quote(model) + " --mode guided --seed 0 --out " + shell_quote(report),
                             scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  std::ifstream in(report);
  const Json r = Json::parse(in);
  const Json& summary = r.at("summary");
  std::printf("overall mean %.3f (measured %.3f), things found where the simulation has them %.3f (measured %.3f)\n",
              summary.at("overall_mean").get<double>(), kMeasuredOverall,
              summary.at("guided").at("detection_rate").get<double>(), kMeasuredDetection);
  EXPECT_GE(summary.at("overall_mean").get<double>(), kMeasuredOverall - 0.05);
  EXPECT_GE(summary.at("guided").at("detection_rate").get<double>(), kMeasuredDetection - 0.05);
  for (const Json& shot : r.at("shots")) EXPECT_EQ(shot.at("mode"), "guided") << shot.at("prompt");
}

// A two-shot pair in `kinema eval` is made as the studio makes it: the second shot starts from the first's last
// frames (1 + r of them, held and then left out of what is judged) in the same simulation.
TEST(ShippedModel, EvalMakesASecondShotFromTheFirstsLastFrames) {
  const fs::path model = fs::path(KINEMA_SOURCE_DIR) / "models" / "kinema-tiny";
  ASSERT_TRUE(fs::exists(model / "model.json")) << "no model in " << model;
  testing::TempDir scratch;
  {
    std::ofstream list(scratch / "pair.txt");
    list << "a red glass falls onto a wooden floor and shatters || the pieces of the glass lie on the wooden floor\n";
  }
  const Outcome run = kinema("eval --prompts " + shell_quote(scratch / "pair.txt") + " --model " + shell_quote(model) +
                                 " --mode guided --steps 4 --seed 0 --out " + shell_quote(scratch / "r.json") +
                                 " --clips " + shell_quote(scratch / "clips"),
                             scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  std::ifstream in(scratch / "r.json");
  const Json shots = Json::parse(in).at("shots");
  ASSERT_EQ(shots.size(), 2u);
  EXPECT_EQ(shots[0].at("held_frames"), 0);
  EXPECT_EQ(shots[1].at("continues"), 0);
  EXPECT_EQ(shots[1].at("held_frames"), 5);
  // --clips: each shot as a file, the continued one with the frames it holds from the first.
  EXPECT_EQ(shots[1].at("clip"), (scratch / "clips" / "shot-002.mp4").string());
  const Json first = ffprobe_stream(ffprobe(scratch / "clips" / "shot-001.mp4"), "video");
  const Json second = ffprobe_stream(ffprobe(scratch / "clips" / "shot-002.mp4"), "video");
  const int shown = shots[1].at("shown_frames").get<int>();
  EXPECT_EQ(std::stoi(second.at("nb_read_frames").get<std::string>()), 5 + shown);
  EXPECT_GT(std::stoi(first.at("nb_read_frames").get<std::string>()), 5);
  EXPECT_TRUE(shots[1].contains("guided"));
  bool cut_judged = false;
  for (const Json& c : shots[1].at("judgement").at("criteria")) cut_judged |= c.at("name") == "cut_light" && c.at("applicable") == true;
  EXPECT_TRUE(cut_judged) << shots[1].at("judgement").dump(1);
}

}  // namespace
}  // namespace kinema

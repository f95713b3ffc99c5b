// The safeguards where every front end meets them: Generator::validate/generate (refusal before any work,
// @cameo -> start frames from its reference), and `kinema check`, `kinema cameo` and `kinema generate` run as
// subprocesses by two users with two config folders (exit status 3 for a refusal, nothing written).
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "core/error.h"
#include "pipeline/generator.h"
#include "safety/cameo_store.h"
#include "support/ffmpeg_tools.h"
#include "support/fixture_model.h"
#include "support/temp_dir.h"
#include "world/world.h"

namespace kinema {
namespace {

namespace fs = std::filesystem;
using media::testing::shell_quote;

// A still of a world character at the fixture's size: the built-in model's idea of a likeness.
media::Clip character_still(int width, int height) {
  world::Format format;
  format.width = width;
  format.height = height;
  format.fps = 8;
  format.frames = 9;
  format.sample_rate = 8000;
  world::WorldOptions options;
  options.sound.events = options.sound.ambience = false;
  const auto rendered = world::render_scene(world::parse_prompt("a green character stands on the grass", format).scene, options);
  media::Clip still = rendered.shots.at(0).clip;
  still.frames.resize(still.frame_bytes());
  return still;
}

void write_ppm(const fs::path& path, const media::Clip& still) {
  std::ofstream out(path, std::ios::binary);
  out << "P6\n" << still.width << " " << still.height << "\n255\n";
  out.write(reinterpret_cast<const char*>(still.frames.data()), static_cast<std::streamsize>(still.frame_bytes()));
}

struct Outcome {
  int status = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string{std::istreambuf_iterator<char>(in), {}};
}

// Runs build/kinema as the user whose config folder is `config`.
Outcome kinema(const std::string& arguments, const fs::path& config, const fs::path& scratch) {
  const fs::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  const std::string command = "KINEMA_CONFIG_DIR=" + shell_quote(config.string()) +
                              " KINEMA_SIGNING_DIR=" + shell_quote((config / "signing").string()) + " " + shell_quote(KINEMA_CLI_PATH) +
                              " " + arguments + " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string());
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

class EngineSafety : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    testing::make_fixture_model(dir_->path() / "model");
  }
  static void TearDownTestSuite() { delete dir_; }
  void SetUp() override { ::setenv("KINEMA_CONFIG_DIR", (scratch_ / "me").c_str(), 1); }
  void TearDown() override { ::unsetenv("KINEMA_CONFIG_DIR"); }
  static fs::path model() { return dir_->path() / "model"; }

  static inline testing::TempDir* dir_ = nullptr;
  testing::TempDir scratch_;
};

TEST_F(EngineSafety, ValidateRefusesWithTheCategoryBeforeAnyWork) {
  auto generator = pipeline::Generator::open(model());
  pipeline::GenerationRequest request;
  request.prompt = "a n u d e woman dancing";
  try {
    generator->validate(request);
    FAIL() << "not refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::refused);
    EXPECT_NE(std::string(e.what()).find("sexual content"), std::string::npos) << e.what();
  }
  int progress_calls = 0;
  EXPECT_THROW(generator->generate(request, [&](const pipeline::GenerationProgress&) { ++progress_calls; }), Error);
  EXPECT_EQ(progress_calls, 0) << "no stage started";
}

TEST_F(EngineSafety, TheNegativePromptIsReadLikeThePromptBelowGuidance1) {
  auto generator = pipeline::Generator::open(model());
  pipeline::GenerationRequest request;
  request.prompt = "a red ball bounces";
  request.negative_prompt = "gore, nudity";
  EXPECT_NO_THROW(generator->validate(request)) << "at the model's guidance (3) it keeps them out";
  request.guidance = 0.0;  // the negative prompt is then what the model makes
  EXPECT_THROW(generator->validate(request), Error);
}

TEST_F(EngineSafety, ACameoWithoutAGrantIsRefusedAndWithOneItsReferenceIsTheFirstFrame) {
  // Alice makes a cameo from a still of a character; Bob asks for @alice.
  const media::Clip still = character_still(32, 32);
  write_ppm(scratch_ / "alice.ppm", still);
  safety::CameoStore alice(scratch_ / "alice"), bob(scratch_ / "me");
  alice.create("alice", "Alice Example", {scratch_ / "alice.ppm"});
  alice.export_cameo("alice", scratch_ / "alice.kcameo");
  bob.import_file(scratch_ / "alice.kcameo");

  auto generator = pipeline::Generator::open(model());
  pipeline::GenerationRequest request;
  request.prompt = "@alice walks on the grass";
  request.steps = 2;
  try {
    generator->validate(request);
    FAIL() << "used without a grant";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::refused);
    EXPECT_NE(std::string(e.what()).find("no grant"), std::string::npos) << e.what();
  }

  alice.grant("alice", bob.public_key(), {safety::Use::generate}, std::chrono::system_clock::now() + std::chrono::hours(1));
  alice.export_cameo("alice", scratch_ / "alice.kcameo", bob.public_key());
  bob.import_file(scratch_ / "alice.kcameo");
  const auto result = generator->generate(request);
  ASSERT_EQ(result.cameos.size(), 1u);
  EXPECT_EQ(result.cameos[0].display_name, "Alice Example");
  EXPECT_EQ(result.held_frames, 1) << "the reference enters as the first frame (image-to-video)";
  EXPECT_TRUE(std::equal(still.frames.begin(), still.frames.end(), result.clip.frames.begin()));
  EXPECT_NE(safety::export_refusal({result.cameos[0].hash}).find("not export"), std::string::npos)
      << "the grant was for generation only";
}

TEST_F(EngineSafety, CheckRefusesWithStatus3AndListsUnknownWords) {
  const fs::path me = scratch_ / "me";
  Outcome run = kinema("check --model " + shell_quote(model()) + " --prompt 'a red ball bounces'", me, scratch_.path());
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("unknown words (model "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("allowed by the content rules"), std::string::npos);

  run = kinema("check --model " + shell_quote(model()) + " --prompt 'a r4p3 scene'", me, scratch_.path());
  EXPECT_EQ(run.status, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("sexual violence"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;

  run = kinema("check --model " + shell_quote(model()) + " --prompt 'a red ball' --negative 'Barack Obama'", me,
               scratch_.path());
  EXPECT_EQ(run.status, 0) << "at the model's guidance the negative prompt keeps him out: " << run.err;
  run = kinema("check --model " + shell_quote(model()) + " --prompt 'a red ball' --negative 'Barack Obama' --guidance 0",
               me, scratch_.path());
  EXPECT_EQ(run.status, 3) << run.err;
  EXPECT_NE(run.err.find("negative prompt names Barack Obama"), std::string::npos) << run.err;
}

TEST_F(EngineSafety, GenerateRefusesWithStatus3AndWritesNothing) {
  const fs::path out = scratch_ / "clip.mp4";
  const Outcome run = kinema("generate --model " + shell_quote(model()) + " --prompt 'Taylor Swift sings' --out " +
                                 shell_quote(out.string()),
                             scratch_ / "me", scratch_.path());
  EXPECT_EQ(run.status, 3) << run.err;
  EXPECT_NE(run.err.find("a real person named without a cameo grant"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(out));
  for (const auto& entry : fs::directory_iterator(scratch_.path()))
    EXPECT_EQ(entry.path().extension(), ".txt") << "left behind: " << entry.path();
}

TEST_F(EngineSafety, GenerateWithAGrantForGenerationOnlyIsRefusedBeforeAnyWork) {
  const fs::path alice = scratch_ / "alice", bob = scratch_ / "bob", files = scratch_.path();
  write_ppm(files / "alice.ppm", character_still(32, 32));
  ASSERT_EQ(kinema("cameo create alice --image " + shell_quote((files / "alice.ppm").string()) +
                       " --display-name 'Alice Example'",
                   alice, files)
                .status,
            0);
  const std::string bob_key = first_line(kinema("cameo key", bob, files).out);
  const fs::path package = files / "alice-for-bob.kcameo";
  ASSERT_EQ(kinema("cameo grant alice --to " + bob_key + " --uses generate --out " + shell_quote(package.string()), alice,
                   files)
                .status,
            0);
  ASSERT_EQ(kinema("cameo import " + shell_quote(package.string()), bob, files).status, 0);
  // A grant to generate allows `kinema check` (which writes nothing) but not `kinema generate`, which writes a
  // clip: that needs the export use, and is refused before the model runs (no progress, no file).
  EXPECT_EQ(kinema("check --model " + shell_quote(model()) + " --prompt '@alice walks'", bob, files).status, 0);
  const fs::path clip = files / "bob.mp4";
  const Outcome run = kinema("generate --model " + shell_quote(model()) + " --prompt '@alice walks' --steps 2 --out " +
                                 shell_quote(clip.string()),
                             bob, files);
  EXPECT_EQ(run.status, 3) << run.err;
  EXPECT_NE(run.err.find("export"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("denoising"), std::string::npos) << "it started work: " << run.err;
  EXPECT_FALSE(fs::exists(clip));
}

TEST_F(EngineSafety, TwoUsersPassACameoWithTheCli) {
  const fs::path alice = scratch_ / "alice", bob = scratch_ / "bob", files = scratch_.path();
  write_ppm(files / "alice.ppm", character_still(32, 32));
  ASSERT_EQ(kinema("cameo create alice --image " + shell_quote((files / "alice.ppm").string()) +
                       " --display-name 'Alice Example'",
                   alice, files)
                .status,
            0);
  const std::string bob_key = first_line(kinema("cameo key", bob, files).out);
  ASSERT_EQ(bob_key.rfind("ed25519:", 0), 0u) << bob_key;

  const fs::path package = files / "alice-for-bob.kcameo";
  Outcome run = kinema("cameo grant alice --to " + bob_key + " --days 7 --out " + shell_quote(package.string()), alice, files);
  ASSERT_EQ(run.status, 0) << run.err;
  run = kinema("cameo import " + shell_quote(package.string()), bob, files);
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("1 grant for you"), std::string::npos) << run.out;
  EXPECT_NE(kinema("cameo list", bob, files).out.find("granted (export, generate) until"), std::string::npos);

  const std::string check = "check --model " + shell_quote(model()) + " --prompt '@alice walks on the grass'";
  run = kinema(check, bob, files);
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("cameo @alice (Alice Example): allowed"), std::string::npos) << run.out;

  const fs::path clip = files / "bob.mp4";
  run = kinema("generate --model " + shell_quote(model()) + " --prompt '@alice walks on the grass' --steps 2 --out " +
                   shell_quote(clip.string()),
               bob, files);
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_TRUE(fs::exists(clip));

  const fs::path revocations = files / "alice-revoked.json";
  ASSERT_EQ(kinema("cameo revoke alice --to " + bob_key + " --out " + shell_quote(revocations.string()), alice, files).status, 0);
  ASSERT_EQ(kinema("cameo import " + shell_quote(revocations.string()), bob, files).status, 0);
  run = kinema(check, bob, files);
  EXPECT_EQ(run.status, 3);
  EXPECT_NE(run.err.find("revoked your grant"), std::string::npos) << run.err;
  EXPECT_NE(kinema("cameo show alice", bob, files).out.find(", revoked"), std::string::npos);
}

}  // namespace
}  // namespace kinema

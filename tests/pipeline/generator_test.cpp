// Tests for the Generator on the fixture model: determinism, lengths, conditioning frames, bad input,
// and model folders that do not match their config.
#include "pipeline/generator.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"
#include "core/json.h"
#include "core/safetensors.h"
#include "support/fixture_model.h"
#include "support/error_of.h"
#include "support/temp_dir.h"

namespace kinema::pipeline {
namespace {

using testing::error_of;

namespace fs = std::filesystem;

class GeneratorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    testing::make_fixture_model(dir_->path() / "model");
    generator_ = Generator::open(dir_->path() / "model", DeviceChoice::cpu).release();
  }
  static void TearDownTestSuite() {
    delete generator_;
    delete dir_;
  }
  static GenerationRequest request(uint64_t seed) {
    GenerationRequest r;
    r.prompt = "a red ball bounces on a metal floor";
    r.negative_prompt = "blurry";
    r.seed = seed;
    return r;
  }
  static inline testing::TempDir* dir_ = nullptr;
  static inline Generator* generator_ = nullptr;
};

TEST_F(GeneratorTest, MakesTheModelsClipFormatWithSoundAsLongAsThePicture) {
  const auto result = generator_->generate(request(1));
  const auto& clip = result.clip;
  EXPECT_EQ(clip.width, 32);
  EXPECT_EQ(clip.height, 32);
  EXPECT_EQ(clip.fps, 8);
  EXPECT_EQ(clip.frame_count(), 9);
  EXPECT_EQ(clip.sample_rate, 8000);
  EXPECT_EQ(clip.audio_samples(), 9000);  // 9 frames at 8 fps = 1.125 s
  EXPECT_GT(result.wall_seconds, 0.0);
}

TEST_F(GeneratorTest, SameSeedGivesABitIdenticalClip) {
  for (const char* solver : {"euler", "heun", "unipc"}) {
    auto r = request(7);
    r.solver = solver;
    const auto a = generator_->generate(r).clip, b = generator_->generate(r).clip;
    EXPECT_EQ(a.frames, b.frames) << solver;
    EXPECT_EQ(a.audio, b.audio) << solver;
  }
}

TEST_F(GeneratorTest, DifferentSeedsGiveDifferentClips) {
  const auto a = generator_->generate(request(7)).clip, b = generator_->generate(request(8)).clip;
  EXPECT_NE(a.frames, b.frames);
  EXPECT_NE(a.audio, b.audio);
}

TEST_F(GeneratorTest, TheNegativePromptSteersOnlyUnderClassifierFreeGuidance) {
  auto r = request(3);
  r.guidance = 3.0;
  const auto blurry = generator_->generate(r).clip;
  r.negative_prompt = "a green box slides on ice";
  const auto other = generator_->generate(r).clip;
  EXPECT_NE(blurry.frames, other.frames) << "at guidance 3 the negative prompt changes the clip";
  // At guidance 1 the model runs once, on the prompt alone: the negative prompt is not read.
  r.guidance = 1.0;
  const auto a = generator_->generate(r).clip;
  r.negative_prompt = "blurry";
  EXPECT_EQ(generator_->generate(r).clip.frames, a.frames);
}

TEST_F(GeneratorTest, ProvenanceFactsSayHowTheClipWasMade) {
  auto r = request(5);
  r.steps = 3;
  r.solver = "heun";
  r.guidance = 2.5;
  const auto result = generator_->generate(r);
  const auto facts = provenance_facts(result, generator_->config(), r.prompt);
  EXPECT_EQ(facts.model_name, generator_->config().name);
  EXPECT_EQ(facts.model_version, generator_->config().version);
  EXPECT_EQ(facts.seed, 5u);
  EXPECT_EQ(facts.title, r.prompt);
  EXPECT_EQ(facts.settings, "3 steps, heun, guidance 2.5, " + result.mode + " mode");
  EXPECT_TRUE(facts.cameos.empty());
  // What belongs to the front end is left as a file made by no front end would have it: marked.
  EXPECT_TRUE(facts.visible_mark);
  EXPECT_TRUE(facts.watermark);
  EXPECT_TRUE(facts.front_end.empty());
}

TEST(Device, AutoIsTheCpuWithoutCudaAndCudaIsRefusedClearly) {
  EXPECT_EQ(parse_device("auto"), DeviceChoice::automatic);
  EXPECT_EQ(parse_device("cpu"), DeviceChoice::cpu);
  EXPECT_EQ(parse_device("cuda"), DeviceChoice::cuda);
  EXPECT_NE(error_of([] { parse_device("gpu"); }).find("choose auto, cpu or cuda"), std::string::npos);
  testing::TempDir dir;
  testing::make_fixture_model(dir / "m");
  const auto summary = Generator::open(dir / "m", DeviceChoice::automatic)->summary();
  if (summary.device.rfind("cuda", 0) == 0) GTEST_SKIP() << "this machine has CUDA: auto picked " << summary.device;
  EXPECT_EQ(summary.device, "cpu (float32)");
  EXPECT_NE(error_of([&] { Generator::open(dir / "m", DeviceChoice::cuda); }).find("--device cuda: this libtorch has no CUDA"),
            std::string::npos);
}

TEST_F(GeneratorTest, SecondsRoundToTheNearestLengthTheModelMakes) {
  auto r = request(1);
  r.seconds = 2.0;  // 16 frames asked; the causal VAE makes 1 + 4k: 17
  EXPECT_EQ(generator_->generate(r).clip.frame_count(), 17);
  r.seconds = 0.3;
  EXPECT_EQ(generator_->generate(r).clip.frame_count(), 1);
}

TEST_F(GeneratorTest, ReportsEveryStepAndCancels) {
  std::vector<int> steps;
  auto r = request(1);
  r.steps = 3;
  generator_->generate(r, [&](const GenerationProgress& p) {
    if (p.stage == "denoising") steps.push_back(p.step);
  });
  EXPECT_EQ(steps, (std::vector<int>{0, 1, 2, 3}));

  std::atomic<bool> cancel{false};
  int seen = 0;
  try {
    generator_->generate(r, [&](const GenerationProgress& p) {
      if (p.stage == "denoising" && p.step == 1) cancel = true;
      ++seen;
    }, &cancel);
    FAIL() << "expected cancellation";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::cancelled);
  }
}

TEST_F(GeneratorTest, StartFramesAreHeldAndShapeWhatFollows) {
  auto first = generator_->generate(request(3)).clip;
  auto r = request(4);
  r.start_frames = first;  // 9 frames: all of them can be held
  r.start_frames->frames.resize(first.frame_bytes() * 5);
  const auto held = generator_->generate(r);
  EXPECT_EQ(held.held_frames, 5);
  EXPECT_TRUE(std::equal(first.frames.begin(), first.frames.begin() + first.frame_bytes() * 5, held.clip.frames.begin()));

  auto other = r;
  for (auto& byte : other.start_frames->frames) byte = static_cast<uint8_t>(255 - byte);
  const auto changed = generator_->generate(other);
  const size_t tail = first.frame_bytes() * 5;
  EXPECT_FALSE(std::equal(held.clip.frames.begin() + tail, held.clip.frames.end(), changed.clip.frames.begin() + tail));
}

TEST_F(GeneratorTest, RejectsRequestsItCannotMake) {
  auto r = request(1);
  r.prompt = "   ";
  EXPECT_NE(error_of([&] { generator_->generate(r); }).find("prompt is empty"), std::string::npos);
  r = request(1);
  r.seconds = 60;
  EXPECT_NE(error_of([&] { generator_->generate(r); }).find("at most 2.12 s"), std::string::npos);
  r = request(1);
  r.solver = "ddim";
  EXPECT_NE(error_of([&] { generator_->generate(r); }).find("unknown solver"), std::string::npos);
  r = request(1);
  media::Clip wrong;
  wrong.width = wrong.height = 16;
  wrong.fps = 8;
  wrong.frames.resize(16 * 16 * 3);
  r.start_frames = wrong;
  EXPECT_NE(error_of([&] { generator_->generate(r); }).find("start frames are 16x16"), std::string::npos);
}

// The fixture model with guide channels, in dir / "m", opened on the CPU.
std::unique_ptr<Generator> open_guided_fixture(const testing::TempDir& dir) {
  testing::make_fixture_model(dir / "m", 1, {.guided = true});
  return Generator::open(dir / "m", DeviceChoice::cpu);
}

TEST(GeneratorModes, GuidedWhenTheWorldKnowsThePromptFreeOtherwise) {
  testing::TempDir dir;
  const auto generator = open_guided_fixture(dir);
  GenerationRequest r;
  r.prompt = "a red ball drops onto a metal floor";
  auto result = generator->generate(r);
  EXPECT_EQ(result.mode, "guided");
  EXPECT_TRUE(result.unknown_words.empty());

  r.prompt = "a red zebra dances on the moon";
  result = generator->generate(r);
  EXPECT_EQ(result.mode, "free");
  EXPECT_FALSE(result.unknown_words.empty());
  EXPECT_EQ(result.text, r.prompt);
  r.mode = "guided";  // forced: the world simulates what it understood
  result = generator->generate(r);
  EXPECT_EQ(result.mode, "guided");
  EXPECT_EQ(result.text, r.prompt) << "the world's caption would leave out what it does not know";
  r.mode = "free";
  r.prompt = "a red ball drops onto a metal floor";
  result = generator->generate(r);
  EXPECT_EQ(result.mode, "free");
  EXPECT_EQ(result.text, r.prompt);
}

// Guided, the DiT reads the world's caption of the scene it simulated, in the words it was trained on (the
// captions of its training clips come from the same captioner); --as-written keeps the prompt.
TEST(GeneratorModes, GuidedTheModelReadsTheWorldsCaptionOfItsScene) {
  testing::TempDir dir;
  const auto generator = open_guided_fixture(dir);
  GenerationRequest r;
  r.prompt = "a small purple box is dropped on sand at sunset, anime style";
  const auto result = generator->generate(r);
  ASSERT_EQ(result.mode, "guided");
  const world::Scene scene = world::scene_from_json(Json::parse(result.world_scene), "scene");
  EXPECT_EQ(result.text, world::caption_shot(scene, world::simulate(scene), 0).text);
  EXPECT_NE(result.text, r.prompt);
  const world::Scene read = world::parse_prompt(result.text).scene;  // the same content, in other words
  EXPECT_EQ(read.style, world::Style::anime) << result.text;
  ASSERT_EQ(read.objects.size(), 1u) << result.text;
  EXPECT_EQ(read.objects[0].kind, world::Kind::box) << result.text;
  EXPECT_EQ(read.objects[0].colour, world::Colour::purple) << result.text;
  r.read_world_caption = false;
  const auto as_written = generator->generate(r);
  EXPECT_EQ(as_written.text, r.prompt);
  EXPECT_NE(as_written.clip.frames, result.clip.frames);
}

// A decoder that reads the scene description gets the world's, guided: here one with pixel art's grid draws flat
// cells of 3 pixels from the top left for a pixel-art prompt, and not otherwise.
TEST(GeneratorModes, GuidedTheDecoderReadsTheScenesStyle) {
  testing::TempDir dir;
  testing::make_fixture_model(dir / "m", 1, {.guided = true, .styled_decoder = true});
  const auto generator = Generator::open(dir / "m", DeviceChoice::cpu);
  // The largest difference between neighbouring pixels inside a cell, over all frames.
  const auto inside_cells = [](const media::Clip& clip) {
    int most = 0;
    for (int f = 0; f < clip.frame_count(); ++f)
      for (int y = 0; y < clip.height; ++y)
        for (int x = 0; x + 1 < clip.width; ++x) {
          if ((x + 1) % 3 == 0) continue;  // the next pixel is in the next cell
          const uint8_t* p = clip.frame(f) + (static_cast<size_t>(y) * clip.width + x) * 3;
          for (int c = 0; c < 3; ++c) most = std::max(most, std::abs(p[c] - p[c + 3]));
        }
    return most;
  };
  GenerationRequest r;
  r.steps = 2;
  r.prompt = "a red ball drops onto a metal floor, pixel art";
  const auto pixel = generator->generate(r);
  ASSERT_EQ(pixel.mode, "guided");
  EXPECT_LE(inside_cells(pixel.clip), 1);  // rounding
  r.prompt = "a red ball drops onto a metal floor, cartoon style";
  EXPECT_GT(inside_cells(generator->generate(r).clip), 10);
  r.prompt = "a red ball drops onto a metal floor, pixel art";
  r.mode = "free";  // no scene: no grid
  EXPECT_GT(inside_cells(generator->generate(r).clip), 10);
}

// Guidance on the world's guide: each step also runs without it and the picture's difference is scaled; the
// model's defaults (sampler.layout_guidance, sampler.guided_steps) apply in guided mode only.
TEST(GeneratorModes, LayoutGuidanceScalesWhatTheGuideChanges) {
  testing::TempDir dir;
  testing::make_fixture_model(dir / "m", 1, {.guided = true});
  Json j = read_json_file(dir / "m" / "model.json");
  j["sampler"]["layout_guidance"] = 2.0;
  j["sampler"]["guided_steps"] = 3;
  write_json_file(dir / "m" / "model.json", j);
  const auto generator = Generator::open(dir / "m", DeviceChoice::cpu);
  GenerationRequest r;
  r.prompt = "a red ball drops onto a metal floor";
  const auto by_default = generator->generate(r);
  EXPECT_EQ(by_default.mode, "guided");
  EXPECT_EQ(by_default.layout_guidance, 2.0);
  EXPECT_EQ(by_default.steps, 3);
  r.layout_guidance = 1.0;
  r.steps = 3;
  const auto unguided = generator->generate(r);
  EXPECT_EQ(unguided.layout_guidance, 1.0);
  EXPECT_NE(unguided.clip.frames, by_default.clip.frames);
  r.layout_guidance = 2.0;
  EXPECT_EQ(generator->generate(r).clip.frames, by_default.clip.frames);  // the default, asked for
  // Scaling what the guide changes by 2 is the guided picture plus that change once more.
  r.layout_guidance = 3.0;
  EXPECT_NE(generator->generate(r).clip.frames, by_default.clip.frames);
  r = {};
  r.prompt = "a red ball drops onto a metal floor";
  r.mode = "free";
  const auto free = generator->generate(r);
  EXPECT_EQ(free.layout_guidance, 1.0);
  EXPECT_EQ(free.steps, generator->config().sampler.steps);
}

TEST(GeneratorModes, AGuidedModelKnowsTheWorldsWords) {
  testing::TempDir dir;
  const auto generator = open_guided_fixture(dir);
  const std::string prompt = "A Red ball bounces on the METAL floor beside a zebra";
  const auto unknown = generator->unknown_words(prompt);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].text, "zebra");
  EXPECT_EQ(prompt.substr(unknown[0].offset, unknown[0].length), "zebra");
  const auto& known = generator->known_words();
  EXPECT_TRUE(std::binary_search(known.begin(), known.end(), "metal"));
  EXPECT_FALSE(std::binary_search(known.begin(), known.end(), "zebra"));
}

TEST(GeneratorModes, TheLayoutChangesThePicture) {
  testing::TempDir dir;
  const auto generator = open_guided_fixture(dir);
  GenerationRequest r;
  r.prompt = "a red ball drops onto a metal floor";
  r.mode = "guided";
  const auto guided = generator->generate(r).clip;
  r.mode = "free";
  const auto free = generator->generate(r).clip;
  EXPECT_NE(guided.frames, free.frames);
}

TEST(GeneratorModes, AGuidedShotContinuesThePreviousShotsSimulation) {
  testing::TempDir dir;
  const auto generator = open_guided_fixture(dir);
  GenerationRequest r;
  r.prompt = "a blue glass falls and shatters on the wood floor";
  const auto first = generator->generate(r);
  ASSERT_EQ(first.mode, "guided");
  ASSERT_FALSE(first.world_scene.empty());

  GenerationRequest next;
  next.prompt = "the camera pans left";
  next.continue_scene = first.world_scene;
  next.start_frames = continuation_start(first.clip, 0, first.clip.frame_count(), generator->config());
  ASSERT_EQ(next.start_frames->frame_count(), 5);  // 1 + r: the clip starts 4 frames before the cut
  EXPECT_TRUE(std::equal(next.start_frames->frames.begin(), next.start_frames->frames.end(), first.clip.frame(4)));
  const auto second = generator->generate(next);
  EXPECT_EQ(second.mode, "guided");
  EXPECT_EQ(second.held_frames, 5);
  const Json scene = Json::parse(second.world_scene);
  EXPECT_GE(scene.at("shots").size(), 2u);
  next.continue_scene = "{not json";
  EXPECT_NE(error_of([&] { generator->generate(next); }).find("not valid JSON"), std::string::npos);
}

TEST(GeneratorModes, AContinuedShotHoldsTheLastFramesShownOfTheShotBefore) {
  model::ModelConfig config;
  config.vae.temporal_downsample = 4;
  media::Clip previous;
  previous.width = 2;
  previous.height = 1;
  previous.fps = 12;
  for (int f = 0; f < 12; ++f) previous.frames.insert(previous.frames.end(), 6, static_cast<uint8_t>(f));
  auto first_of = [](const media::Clip& c) { return c.frame_count() > 0 ? int{*c.frame(0)} : -1; };
  const media::Clip all = continuation_start(previous, 0, 12, config);
  EXPECT_EQ(all.frame_count(), 5);
  EXPECT_EQ(first_of(all), 7);
  const media::Clip trimmed = continuation_start(previous, 3, 10, config);  // frames 3..9 were shown
  EXPECT_EQ(trimmed.frame_count(), 5);
  EXPECT_EQ(first_of(trimmed), 5);
  const media::Clip short_shot = continuation_start(previous, 8, 11, config);  // only 3 frames shown
  EXPECT_EQ(short_shot.frame_count(), 3);
  EXPECT_EQ(first_of(short_shot), 8);
  // It is asked for that many frames longer, up to the model's longest clip.
  config.clip.fps = 12;
  config.clip.max_frames = 97;
  EXPECT_DOUBLE_EQ(continued_seconds(49, 5, config), 54.0 / 12);
  EXPECT_DOUBLE_EQ(continued_seconds(95, 5, config), 97.0 / 12);
}

TEST(GeneratorModes, GuidedModeNeedsAModelTrainedForIt) {
  testing::TempDir dir;
  testing::make_fixture_model(dir / "m");
  const auto generator = Generator::open(dir / "m", DeviceChoice::cpu);
  GenerationRequest r;
  r.prompt = "a red ball drops onto a metal floor";
  EXPECT_EQ(generator->generate(r).mode, "free");
  r.mode = "guided";
  EXPECT_NE(error_of([&] { generator->generate(r); }).find("not trained with world guidance"), std::string::npos);
}

TEST(ModelFolder, MissingTensorIsNamed) {
  testing::TempDir dir;
  testing::make_fixture_model(dir / "m", 1, {.max_shard_bytes = 1 << 30});
  const auto checkpoint = safetensors::Checkpoint::open(dir / "m");
  std::vector<safetensors::TensorView> keep;
  for (const auto& name : checkpoint.names())
    if (name != "dit.head.modulation") {
      const auto& info = checkpoint.info(name);
      keep.push_back({name, info.dtype, info.shape, checkpoint.bytes(name)});
    }
  safetensors::write(dir / "model.safetensors", keep);
  fs::rename(dir / "model.safetensors", dir / "m" / "model.safetensors");
  const std::string e = error_of([&] { Generator::open(dir / "m", DeviceChoice::cpu); });
  EXPECT_NE(e.find("missing: dit.head.modulation"), std::string::npos) << e;
}

TEST(ModelFolder, ShapeMismatchAndLeftoverTensorsAreNamed) {
  testing::TempDir dir;
  testing::make_fixture_model(dir / "m");
  Json config = read_json_file(dir / "m" / "model.json");
  config["dit"]["depth"] = 1;      // blocks.1.* are now left over
  config["dit"]["ffn_dim"] = 48;   // ffn weights now have the wrong shape
  write_json_file(dir / "m" / "model.json", config);
  const std::string e = error_of([&] { Generator::open(dir / "m", DeviceChoice::cpu); });
  EXPECT_NE(e.find("wrong shape: dit.blocks.0.ffn.0.bias [64] (model.json needs [48])"), std::string::npos) << e;
  EXPECT_NE(e.find("not used by model.json: dit.blocks.1."), std::string::npos) << e;
}

TEST(ModelFolder, TheVocodersSettingsAreReadAndCheckedAndWrittenBack) {
  testing::TempDir dir;
  testing::make_fixture_model(dir / "m");
  Json config = read_json_file(dir / "m" / "model.json");
  EXPECT_EQ(model::ModelConfig::parse(config, "model.json").audio.phase, "gradient");  // the default
  config["audio"]["phase"] = "random";
  config["audio"]["sharpen_attacks"] = false;
  const auto parsed = model::ModelConfig::parse(config, "model.json");
  EXPECT_EQ(parsed.audio.phase, "random");
  EXPECT_FALSE(parsed.audio.sharpen_attacks);
  const Json written = parsed.to_json();
  EXPECT_EQ(written.at("audio").at("phase"), "random");
  EXPECT_EQ(written.at("audio").at("sharpen_attacks"), false);
  config["audio"]["phase"] = "zero";
  write_json_file(dir / "m" / "model.json", config);
  EXPECT_NE(error_of([&] { Generator::open(dir / "m", DeviceChoice::cpu); }).find("\"gradient\" or \"random\""), std::string::npos);
}

TEST(ModelFolder, TheDecodersLatentGridGuideIsReadCheckedAndWrittenBack) {
  Json config = testing::fixture_config().to_json();
  EXPECT_FALSE(model::ModelConfig::parse(config, "model.json").vae.latent_guide);  // the default
  EXPECT_FALSE(config["vae"].contains("latent_guide"));  // models without it keep their model.json as it was
  config["vae"]["latent_guide"] = true;
  EXPECT_NE(error_of([&] { model::ModelConfig::parse(config, "model.json"); }).find("latent_guide: needs guide_channels"),
            std::string::npos);
  config["vae"]["guide_channels"] = 4;
  const auto parsed = model::ModelConfig::parse(config, "model.json");
  EXPECT_TRUE(parsed.vae.latent_guide);
  EXPECT_EQ(parsed.to_json().at("vae").at("latent_guide"), true);
}

TEST(ModelFolder, TheDecodersPixelArtGridIsReadCheckedAndWrittenBack) {
  Json config = testing::fixture_config().to_json();
  EXPECT_EQ(model::ModelConfig::parse(config, "model.json").vae.grid_cell, 0);  // the default
  EXPECT_FALSE(config["vae"].contains("grid_cell"));  // models without it keep their model.json as it was
  config["vae"]["grid_cell"] = 1;
  EXPECT_NE(error_of([&] { model::ModelConfig::parse(config, "model.json"); }).find("grid_cell: must be 0"), std::string::npos);
  config["vae"]["grid_cell"] = 3;
  EXPECT_NE(error_of([&] { model::ModelConfig::parse(config, "model.json"); }).find("grid_cell: needs scene_channels"),
            std::string::npos);
  config["vae"]["scene_channels"] = config["dit"]["scene_channels"] = 8;
  EXPECT_NE(error_of([&] { model::ModelConfig::parse(config, "model.json"); }).find("grid_feature: must name"),
            std::string::npos);
  config["vae"]["grid_feature"] = 7;  // the last scene channel is the flag, not a feature
  EXPECT_NE(error_of([&] { model::ModelConfig::parse(config, "model.json"); }).find("grid_feature: must name"),
            std::string::npos);
  config["vae"]["grid_feature"] = 4;
  const auto parsed = model::ModelConfig::parse(config, "model.json");
  EXPECT_EQ(parsed.vae.grid_cell, 3);
  EXPECT_EQ(parsed.vae.grid_feature, 4);
  EXPECT_EQ(parsed.to_json().at("vae").at("grid_cell"), 3);
  EXPECT_EQ(parsed.to_json().at("vae").at("grid_feature"), 4);
  config["vae"].erase("grid_cell");
  EXPECT_NE(error_of([&] { model::ModelConfig::parse(config, "model.json"); }).find("grid_feature: needs grid_cell"),
            std::string::npos);
}

TEST(ModelFolder, TheDecodersSceneDescriptionMustBeTheDits) {
  Json config = testing::fixture_config().to_json();
  EXPECT_EQ(model::ModelConfig::parse(config, "model.json").vae.scene_channels, 0);  // the default
  EXPECT_FALSE(config["vae"].contains("scene_channels"));
  config["vae"]["scene_channels"] = 8;
  EXPECT_NE(error_of([&] { model::ModelConfig::parse(config, "model.json"); }).find("equal dit.scene_channels"),
            std::string::npos);
  config["dit"]["scene_channels"] = 8;
  const auto parsed = model::ModelConfig::parse(config, "model.json");
  EXPECT_EQ(parsed.vae.scene_channels, 8);
  EXPECT_EQ(parsed.to_json().at("vae").at("scene_channels"), 8);
}

TEST(ModelFolder, MissingFolderOrFilesAreNamed) {
  testing::TempDir dir;
  EXPECT_NE(error_of([&] { Generator::open(dir / "nothing"); }).find("no model folder at"), std::string::npos);
  fs::create_directories(dir / "empty");
  EXPECT_NE(error_of([&] { Generator::open(dir / "empty"); }).find("no model.json"), std::string::npos);
}

}  // namespace
}  // namespace kinema::pipeline

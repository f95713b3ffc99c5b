// Tests for the trainer: each stage lowers its loss on a small synthetic task, checkpoints resume
// exactly, and the loss log is trimmed back to the checkpoint.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.h"
#include "model/kinema_model.h"
#include "model/model_io.h"
#include "model/weights.h"
#include "pipeline/world_guide.h"
#include "support/fixture_model.h"
#include "support/temp_dir.h"
#include "train/checkpoint.h"
#include "train/latent_cache.h"
#include "train/loop.h"
#include "train/optimizer.h"
#include "train/recipe.h"
#include "train/stages.h"

namespace kinema::train {
namespace {

namespace fs = std::filesystem;

// A square of a seed-dependent colour slides across a grey background; a tone sounds from mid-clip.
Sample synthetic(uint64_t index) {
  Sample s;
  auto& c = s.clip;
  c.width = c.height = 32;
  c.fps = 8;
  const int frames = 9;
  c.frames.assign(static_cast<size_t>(frames) * 32 * 32 * 3, 96);
  const uint8_t colour[3] = {static_cast<uint8_t>(index * 70 % 256), static_cast<uint8_t>(200 - index * 30 % 150), 40};
  for (int f = 0; f < frames; ++f)
    for (int y = 12; y < 20; ++y)
      for (int x = 0; x < 8; ++x) {
        const int px = (x + 2 * f + static_cast<int>(index % 5)) % 32;
        for (int ch = 0; ch < 3; ++ch) c.frame(f)[(y * 32 + px) * 3 + ch] = colour[ch];
      }
  c.sample_rate = 8000;
  c.channels = 1;
  c.audio.assign(9000, 0.0f);
  for (int i = 4500; i < 9000; ++i) c.audio[i] = 0.3f * std::sin(2 * M_PI * (300 + 50 * (index % 4)) * i / 8000.0);
  s.caption = index % 2 ? "a red ball bounces" : "a blue box slides";
  s.layout = c;  // stands in for the world's layout render in these tests
  return s;
}

LoopOptions options(const fs::path& dir, const std::string& name, int64_t steps) {
  LoopOptions o;
  o.dir = dir;
  o.name = name;
  o.total_steps = steps;
  o.batch = 4;
  o.adam.lr = 2e-3;
  o.warmup_steps = 2;
  o.log_every = 1;
  o.seed = 5;
  return o;
}

// One column of the loss log by name ("loss", "psnr", ...).
std::vector<double> losses(const fs::path& csv, const std::string& column = "loss") {
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  for (std::stringstream fields(line); std::getline(fields, line, ',');) header.push_back(line);
  const auto index = std::find(header.begin(), header.end(), column) - header.begin();
  std::vector<double> out;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    for (int i = 0; i <= index; ++i) std::getline(fields, field, ',');
    out.push_back(std::stod(field));
  }
  return out;
}

double mean(const std::vector<double>& v, size_t from, size_t to) {
  double s = 0;
  for (size_t i = from; i < to; ++i) s += v[i];
  return s / static_cast<double>(to - from);
}

TEST(Trainer, VideoAutoencoderLossFalls) {
  testing::TempDir dir;
  torch::manual_seed(0);
  model::VideoVae vae(testing::fixture_config().vae);
  VaeStageOptions vo;
  vo.crop_size = 32;
  const auto result = run_loop(*vae, options(dir.path(), "vae", 40), vae_loss_parts(), synthetic, vae_step(vae, vo),
                               [](const std::string&) {});
  EXPECT_TRUE(result.finished);
  const auto psnr = losses(dir / "loss.csv", "psnr");
  ASSERT_EQ(psnr.size(), 40u);
  EXPECT_GT(mean(psnr, 30, 40), psnr[0] + 5.0);  // decibels of reconstruction gained
  EXPECT_TRUE(fs::exists(dir / "loss.png"));
  EXPECT_TRUE(fs::exists(dir / "checkpoint" / "ema.safetensors"));
}

TEST(Trainer, GuidedVideoAutoencoderLossFallsWithAndWithoutTheLayout) {
  testing::TempDir dir;
  torch::manual_seed(0);
  auto config = testing::fixture_config().vae;
  config.guide_channels = 4;
  model::VideoVae vae(config);
  VaeStageOptions vo;
  vo.crop_size = 32;
  const auto result = run_loop(*vae, options(dir.path(), "vae", 40), vae_loss_parts(), synthetic, vae_step(vae, vo),
                               [](const std::string&) {});
  EXPECT_TRUE(result.finished);
  const auto psnr = losses(dir / "loss.csv", "psnr");
  ASSERT_EQ(psnr.size(), 40u);
  EXPECT_GT(mean(psnr, 30, 40), psnr[0] + 5.0);
}

// Tensors of an autoencoder's state whose names start with `prefix`, copied.
std::map<std::string, torch::Tensor> tensors_named(const std::map<std::string, torch::Tensor>& state, const std::string& prefix) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& [name, t] : state)
    if (name.rfind(prefix, 0) == 0) out[name] = t.detach().clone();
  return out;
}

std::map<std::string, torch::Tensor> state_copy(torch::nn::Module& m) {
  std::map<std::string, torch::Tensor> out;
  for (auto [name, t] : model::state_of(m)) out[name] = t.detach().clone();
  return out;
}

int count_changed(const std::map<std::string, torch::Tensor>& before, const std::map<std::string, torch::Tensor>& after) {
  int changed = 0;
  for (const auto& [name, t] : before) changed += !torch::equal(t, after.at(name));
  return changed;
}

TEST(Trainer, DecoderOnlyStepTrainsTheDecoderFromNoisedLatentsAndLeavesTheEncoderAsItWas) {
  testing::TempDir dir;
  torch::manual_seed(0);
  auto config = testing::fixture_config().vae;
  config.guide_channels = 4;
  model::VideoVae vae(config);
  vae->latent_std.fill_(1.5);
  const auto before = state_copy(*vae);
  VaeStageOptions vo;
  vo.crop_size = 32;
  vo.decoder_only = true;
  vo.latent_noise = 0.3;
  vo.thing_noise = 1.0;  // the sliding square's cells smeared too
  const auto result = run_loop(*vae, options(dir.path(), "decoder", 40), vae_loss_parts(), synthetic, vae_step(vae, vo),
                               [](const std::string&) {});
  EXPECT_TRUE(result.finished);
  const auto after = state_copy(*vae);
  const auto encoder = tensors_named(before, "encoder");
  ASSERT_FALSE(encoder.empty());
  EXPECT_EQ(count_changed(encoder, after), 0);
  EXPECT_EQ(count_changed(tensors_named(before, "latent_"), after), 0);
  EXPECT_GT(count_changed(tensors_named(before, "decoder"), after), 0);
  const auto psnr = losses(dir / "loss.csv", "psnr");
  ASSERT_EQ(psnr.size(), 40u);
  EXPECT_GT(mean(psnr, 30, 40), psnr[0] + 3.0);  // the decoder alone learns to draw the clips back
  EXPECT_EQ(losses(dir / "loss.csv", "kl").back(), 0.0);  // the encoder's distribution is not trained
}

TEST(Trainer, MovingCellsAreTheLatentCellsWhereTheLayoutChangesGrownByOne) {
  // 9 pictures of 16 x 16 -> latent frames {0}, {1..4}, {5..8} of 4 x 4 cells.
  auto layout = torch::zeros({2, 3, 9, 16, 16});
  layout.index_put_({1, 0, 6, 9, 10}, 1.0);  // the second clip: one pixel lit in picture 6 only, cell (2, 2)
  const auto cells = moving_cells(layout, 4, 4);
  ASSERT_EQ(cells.sizes(), (std::vector<int64_t>{2, 1, 3, 4, 4}));
  EXPECT_EQ(cells[0].sum().item<double>(), 0.0);  // nothing moves
  EXPECT_EQ(cells[1][0][0].sum().item<double>(), 0.0);
  EXPECT_EQ(cells[1][0][1].sum().item<double>(), 0.0);
  const auto third = cells[1][0][2];
  EXPECT_EQ(third.sum().item<double>(), 9.0);  // cell (2, 2) and its eight neighbours
  EXPECT_EQ(third.narrow(0, 1, 3).narrow(1, 1, 3).sum().item<double>(), 9.0);
  // The first picture alone is latent frame 0.
  auto first = torch::zeros({1, 3, 9, 16, 16});
  first.index_put_({0, 2, 0, 0, 0}, -1.0);
  const auto at_start = moving_cells(first, 4, 4);
  EXPECT_EQ(at_start[0][0][0].sum().item<double>(), 4.0);  // cell (0, 0) grown into the corner's 2 x 2
  EXPECT_EQ(at_start.sum().item<double>(), 4.0);
}

TEST(Trainer, ThingPixelsAreWhereTheLayoutDiffersFromItsRow) {
  // Sky above, floor below, a 2 x 3 thing in the sky and one pixel on the floor, in picture 1 of 2.
  auto layout = torch::zeros({1, 3, 2, 8, 8});
  layout.narrow(3, 5, 3).fill_(0.5);                             // the floor
  layout.narrow(2, 1, 1).narrow(3, 1, 3).narrow(4, 2, 2).fill_(-0.8);  // the thing
  layout.index_put_({0, 1, 1, 6, 7}, 0.7);                        // a pixel on the floor, one channel off
  const auto things = thing_pixels(layout);
  ASSERT_EQ(things.sizes(), (std::vector<int64_t>{1, 1, 2, 8, 8}));
  EXPECT_EQ(things[0][0][0].sum().item<double>(), 0.0);  // picture 0: sky and floor only
  EXPECT_EQ(things[0][0][1].sum().item<double>(), 7.0);
  EXPECT_EQ(things[0][0][1].narrow(0, 1, 3).narrow(1, 2, 2).sum().item<double>(), 6.0);
  EXPECT_EQ(things[0][0][1][6][7].item<double>(), 1.0);
}

TEST(Trainer, ThingNoiseSmearsWhatMovesAndWithStillThingsWhatStandsStillWhereTheLayoutIsKept) {
  torch::manual_seed(0);
  auto config = testing::fixture_config().vae;  // latent cells of 4 x 4 pictures' pixels, 4 pictures a frame
  config.guide_channels = 4;
  model::VideoVae vae(config);
  // 9 pictures of 32 x 32 on a plain floor: a still 4 x 4 thing at pixels (4..7, 4..7), cell (1, 1), and from
  // picture 5 on a mover at pixels (24..27, 24..27), cell (6, 6).
  auto layout = torch::zeros({2, 3, 9, 32, 32});
  layout.narrow(3, 4, 4).narrow(4, 4, 4).fill_(0.8);
  layout.narrow(2, 5, 4).narrow(3, 24, 4).narrow(4, 24, 4).fill_(-0.8);
  const auto z = torch::randn({2, config.latent_channels, 3, 8, 8});
  const auto keep = torch::tensor({true, false});
  const auto changed = [&](bool still) {
    torch::Generator g = at::make_generator<at::CPUGeneratorImpl>(7);
    const VaeStageOptions o{.thing_noise = 1.0, .still_things = still};
    return (smear_things(z, layout, keep, *vae, o, g) != z).any(1);  // [2, T, h, w]
  };
  const auto moving_only = changed(false), with_still = changed(true);
  EXPECT_FALSE(moving_only[1].any().item<bool>());  // layout dropped: nothing smeared
  EXPECT_FALSE(with_still[1].any().item<bool>());
  // The mover's cell and its neighbours in the last latent frame; the still thing's cell untouched.
  EXPECT_TRUE(moving_only[0][2].narrow(0, 5, 3).narrow(1, 5, 3).all().item<bool>());
  EXPECT_FALSE(moving_only[0].narrow(1, 0, 3).narrow(2, 0, 3).any().item<bool>());
  // With still_things the still thing's cell and its neighbours too, in every latent frame.
  EXPECT_TRUE(with_still[0].narrow(1, 0, 3).narrow(2, 0, 3).all().item<bool>());
  EXPECT_FALSE(with_still[0].narrow(1, 3, 2).narrow(2, 0, 8).any().item<bool>());  // rows between them
}

// The still thing of the test above alone, cell (1, 1) grown to cells (0..2, 0..2) of an 8 x 8 latent grid, in
// `batch` samples; latents that do not change over time, so that mixing in the frame before changes nothing.
struct StillThing {
  model::VideoVae vae{nullptr};
  torch::Tensor layout, z;
};
StillThing still_thing(int64_t batch) {
  torch::manual_seed(0);
  auto config = testing::fixture_config().vae;
  config.guide_channels = 4;
  StillThing t{model::VideoVae(config), torch::zeros({batch, 3, 9, 32, 32}), {}};
  t.layout.narrow(3, 4, 4).narrow(4, 4, 4).fill_(0.8);
  const int64_t c = config.latent_channels;
  t.z = torch::randn({batch, c, 1, 8, 8}).expand({batch, c, 3, 8, 8}).contiguous();
  return t;
}

TEST(Trainer, ThingBlurMixesTheAverageAroundEachThingCellIn) {
  const auto [vae, layout, z] = still_thing(4);
  const auto keep = torch::tensor({true, true, true, false});
  torch::Generator g = at::make_generator<at::CPUGeneratorImpl>(3);
  const VaeStageOptions o{.still_things = true, .thing_blur = 1.0};
  const auto out = smear_things(z, layout, keep, *vae, o, g);
  // Cell (1, 1) has all 8 neighbours: its new value lies on the line from z towards their 3 x 3 mean, at the
  // same share in every channel and frame of a sample.
  const auto at = [](const torch::Tensor& t) { return t.narrow(3, 1, 1).narrow(4, 1, 1); };
  const auto around = z.narrow(3, 0, 3).narrow(4, 0, 3).mean({3, 4}, true);
  const auto share = (at(out) - at(z)) / (around - at(z));
  for (int i = 0; i < 3; ++i) {
    const double s = share[i].mean().item<double>();
    EXPECT_GT(s, 0.0);
    EXPECT_LT(s, 1.0);
    EXPECT_TRUE(torch::allclose(share[i], torch::full_like(share[i], s), 1e-3, 1e-4)) << "sample " << i;
  }
  EXPECT_FALSE((share[0] - share[1]).abs().lt(1e-6).all().item<bool>()) << "each sample draws its own share";
  // Outside the grown cells, and in the sample whose layout was dropped, nothing changes.
  EXPECT_TRUE(torch::equal(out.narrow(3, 3, 5), z.narrow(3, 3, 5)));
  EXPECT_TRUE(torch::equal(out[3], z[3]));
}

TEST(Trainer, ThingEraseMovesThingCellsTowardsTheCellsAroundThemWithoutAThing) {
  const auto [vae, layout, z] = still_thing(9);
  auto keep = torch::ones({9}, torch::kBool);
  keep[8] = false;
  torch::Generator g = at::make_generator<at::CPUGeneratorImpl>(5);
  const VaeStageOptions o{.still_things = true, .thing_erase = 2.0};  // a share of 2 u per sample, at most 1
  const auto out = smear_things(z, layout, keep, *vae, o, g);
  // The fill of cell (1, 1): the mean of the cells within 3 of it (rows and columns 0..4) less the 3 x 3 thing
  // cells. The cell lies on the line from z towards it, at one share per sample in every channel and frame.
  const auto around = z.narrow(3, 0, 5).narrow(4, 0, 5);
  const auto thing = z.narrow(3, 0, 3).narrow(4, 0, 3);
  const auto fill = (around.sum({3, 4}) - thing.sum({3, 4})) / 16.0;
  const auto at = [](const torch::Tensor& t) { return t.narrow(3, 1, 1).narrow(4, 1, 1).squeeze(4).squeeze(3); };
  const auto share = (at(out) - at(z)) / (fill - at(z));
  int whole = 0;
  for (int i = 0; i < 8; ++i) {
    const double s = share[i].mean().item<double>();
    EXPECT_GT(s, 0.0);
    EXPECT_LE(s, 1.0 + 1e-4) << "sample " << i;
    EXPECT_TRUE(torch::allclose(share[i], torch::full_like(share[i], s), 1e-3, 1e-4)) << "sample " << i;
    whole += s > 1.0 - 1e-4;
  }
  EXPECT_GE(whole, 1) << "with a share drawn up to 2, about half the samples lose the thing wholly";
  EXPECT_LE(whole, 7) << "and the others only in part";
  // Outside the thing's cells, and in the sample whose layout was dropped, nothing changes.
  EXPECT_TRUE(torch::equal(out.narrow(3, 3, 5), z.narrow(3, 3, 5)));
  EXPECT_TRUE(torch::equal(out[8], z[8]));
}

TEST(Trainer, DecoderStageWritesTheAutoencoderWithItsEncoderUnchangedForTheModelToUse) {
  testing::TempDir dir;
  auto config = testing::fixture_config();
  config.vae.guide_channels = 4;
  config.dit.scene_channels = pipeline::kSceneFeatures + 1;
  torch::manual_seed(0);
  model::VideoVae vae(config.vae);
  vae->latent_std.fill_(1.5);
  const auto before = state_copy(*vae);
  RecipeOptions o;
  o.stage = "decoder";
  o.device = "cpu";
  // latent_guide: the stage adds the layout at the latent grid; grid_cell: pixel art's grid; scene: the
  // scene description.
  struct Variant {
    bool latent_guide;
    int grid_cell;
    bool scene;
  };
  for (const auto& [latent_guide, grid_cell, scene] : {Variant{false, 0, false}, Variant{true, 0, false},
                                                       Variant{true, 0, true}, Variant{true, 3, true}}) {
    const std::string name = "run-" + std::to_string(latent_guide) + "-" + std::to_string(grid_cell) + "-" + std::to_string(scene);
    SCOPED_TRACE(name);
    const fs::path run = dir / name;
    fs::create_directories(run);
    write_json_file(run / "model.json", config.to_json());
    model::write_tensors(run / "vae.safetensors", model::state_of(*vae));
    write_json_file(run / "vae.done.json", Json::object());
    const Json recipe{{"model", config.to_json()},
                      {"training",
                       {{"decoder", {{"steps", 3}, {"batch", 2}, {"lr", 1e-3}, {"crop_frames", 5}, {"crop_size", 32},
                                     {"latent_noise", 0.3}, {"latent_guide", latent_guide}, {"grid_cell", grid_cell},
                                     {"thing_noise", 0.5}, {"still_things", true}, {"thing_blur", 0.5},
                                     {"thing_erase", 0.5}, {"scene", scene},
                                     {"data_seed", 7}}}}}};
    write_json_file(dir / "recipe.json", recipe);
    o.recipe = dir / "recipe.json";
    o.run = run;
    EXPECT_TRUE(run_recipe(o, [](const std::string&) {}));
    ASSERT_TRUE(fs::exists(run / "decoder.done.json"));
    const auto written = model::read_tensors(run / "vae-decoder.safetensors");
    EXPECT_EQ(count_changed(tensors_named(before, "encoder"), written), 0);
    EXPECT_EQ(count_changed(tensors_named(before, "latent_"), written), 0);
    EXPECT_GT(count_changed(tensors_named(before, "decoder"), written), 0);
    const auto saved = model::ModelConfig::load(run / "model.json").vae;
    EXPECT_EQ(saved.latent_guide, latent_guide);
    EXPECT_EQ(saved.grid_cell, grid_cell);
    EXPECT_EQ(saved.scene_channels, scene ? config.dit.scene_channels : 0);
    EXPECT_EQ(written.count("decoder_guide.weight"), latent_guide ? 1u : 0u);
    if (latent_guide) {
      EXPECT_GT(written.at("decoder_guide.weight").abs().max().item<float>(), 0.0f);  // from zero
    }
    EXPECT_EQ(written.count("decoder_scene.weight"), scene ? 1u : 0u);
    if (scene) {
      EXPECT_GT(written.at("decoder_scene.weight").abs().max().item<float>(), 0.0f);  // from zero
    }
    EXPECT_EQ(saved.grid_feature, grid_cell > 0 ? static_cast<int>(world::Style::pixel) : -1);  // pixel art's style
  }
  // The grid is opened by the scene's style: asking for it without the scene is an error.
  write_json_file(dir / "grid-alone.json",
                  Json{{"model", config.to_json()}, {"training", {{"decoder", {{"steps", 1}, {"grid_cell", 3}}}}}});
  o.recipe = dir / "grid-alone.json";
  o.run = dir / "run-0-0-0";
  fs::remove(o.run / "decoder.done.json");
  EXPECT_THROW(run_recipe(o, [](const std::string&) {}), Error);
  // Still things are smeared with thing_noise, thing_blur or thing_erase: without any there is nothing to spread.
  write_json_file(dir / "still-alone.json",
                  Json{{"model", config.to_json()}, {"training", {{"decoder", {{"steps", 1}, {"still_things", true}}}}}});
  o.recipe = dir / "still-alone.json";
  EXPECT_THROW(run_recipe(o, [](const std::string&) {}), Error);
  // A recipe without the stage asks nothing of it.
  write_json_file(dir / "no-decoder.json", Json{{"model", config.to_json()}, {"training", Json::object()}});
  o.recipe = dir / "no-decoder.json";
  o.run = dir / "other-run";
  EXPECT_TRUE(run_recipe(o, [](const std::string&) {}));
  EXPECT_FALSE(fs::exists(o.run / "decoder.done.json"));
}

TEST(Trainer, ExportTakesTheFineTunedDecoderOverTheOneInTheDitsAverage) {
  testing::TempDir dir;
  auto dit_config = testing::fixture_config({.audio = false});
  dit_config.vae.guide_channels = 4;
  auto config = dit_config;  // the decoder's fine-tune added the layout at the latent grid
  config.vae.latent_guide = true;
  testing::make_fixture_model(dir / "fixture", 1, {.audio = false});  // for its tokenizer
  const fs::path run = dir / "run";
  fs::create_directories(run / "dit" / "checkpoint");
  write_json_file(run / "model.json", config.to_json());
  fs::copy_file(dir / "fixture" / "tokenizer.model", run / "tokenizer.model");
  torch::manual_seed(0);
  model::KinemaModel trained(dit_config);  // as the DiT trained: its average holds the autoencoder it had
  model::write_tensors(run / "vae.safetensors", model::state_of(*trained->vae));
  model::write_tensors(run / "dit" / "checkpoint" / "ema.safetensors", Ema(*trained, 0.999).state());
  model::VideoVae tuned(config.vae);  // other weights, as a fine-tuned decoder has
  tuned->decoder_guide->weight.data().normal_(0, 0.1);
  model::write_tensors(run / "vae-decoder.safetensors", model::state_of(*tuned));
  for (const char* stage : {"vae", "audio", "dit", "decoder"}) write_json_file(run / (std::string(stage) + ".done.json"), Json::object());
  write_json_file(dir / "recipe.json", Json{{"model", config.to_json()}, {"training", {{"dit", {{"steps", 1}, {"batch", 1}, {"lr", 1e-3}}}}}});
  RecipeOptions o;
  o.recipe = dir / "recipe.json";
  o.run = run;
  o.stage = "export";
  o.export_to = dir / "out";
  o.device = "cpu";
  EXPECT_TRUE(run_recipe(o, [](const std::string&) {}));
  const auto exported = model::load_model(dir / "out", config, torch::kCPU, torch::kFloat);
  const auto want = state_copy(*tuned), old = state_copy(*trained->vae);
  int checked = 0;
  for (auto [name, t] : model::state_of(*exported->vae)) {
    if (name.rfind("decoder", 0) != 0) continue;
    EXPECT_TRUE(torch::allclose(t, want.at(name), 1e-2, 1e-3)) << name;  // fp16 in the model folder
    checked += !old.count(name) || !torch::allclose(t, old.at(name), 1e-2, 1e-3);
  }
  EXPECT_GT(checked, 0);  // and not the decoder the DiT's average held
  EXPECT_GT(exported->vae->decoder_guide->weight.abs().max().item<float>(), 0.0f);
}

// The decoder's fine-tune can add the layout at the latent grid after the DiT's last checkpoint: the DiT stage
// resumes all the same (that convolution belongs to the frozen autoencoder, not to what the DiT resumes).
TEST(Trainer, DitStageResumesAfterTheDecoderGainedTheLatentGridGuide) {
  testing::TempDir dir;
  auto config = testing::fixture_config({.audio = false});
  config.vae.guide_channels = 4;
  config.dit.guide_channels = 3 * config.vae.temporal_downsample + 1;
  testing::make_fixture_model(dir / "fixture", 1, {.audio = false});  // for its tokenizer
  config.text.vocab_size = text::Tokenizer::load(dir / "fixture" / "tokenizer.model").vocab_size();
  const fs::path run = dir / "run";
  fs::create_directories(run);
  fs::copy_file(dir / "fixture" / "tokenizer.model", run / "tokenizer.model");
  torch::manual_seed(0);
  model::VideoVae vae(config.vae);
  model::write_tensors(run / "vae.safetensors", model::state_of(*vae));
  for (const char* stage : {"prepare", "vae", "audio"}) write_json_file(run / (std::string(stage) + ".done.json"), Json::object());
  RecipeOptions o;
  o.recipe = dir / "recipe.json";
  o.run = run;
  o.stage = "dit";
  o.device = "cpu";
  const auto recipe = [&](int steps) {
    write_json_file(o.recipe, Json{{"model", config.to_json()},
                                   {"training", {{"dit", {{"steps", steps}, {"batch", 1}, {"lr", 1e-3}, {"data_seed", 5}}}}}});
  };
  write_json_file(run / "model.json", config.to_json());
  recipe(1);
  EXPECT_TRUE(run_recipe(o, [](const std::string&) {}));
  ASSERT_TRUE(fs::exists(run / "dit.done.json"));
  ASSERT_FALSE(model::read_tensors(run / "dit" / "checkpoint" / "model.safetensors").count("vae.decoder_guide.weight"));

  // Then the decoder stage's outcome: the guide in model.json and in the decoder's weights; one more DiT step asked.
  config.vae.latent_guide = true;
  write_json_file(run / "model.json", config.to_json());
  model::VideoVae tuned(config.vae);
  model::write_tensors(run / "vae-decoder.safetensors", model::state_of(*tuned));
  write_json_file(run / "decoder.done.json", Json::object());
  fs::remove(run / "dit.done.json");
  recipe(2);
  std::vector<std::string> lines;
  EXPECT_TRUE(run_recipe(o, [&](const std::string& line) { lines.push_back(line); }));
  EXPECT_TRUE(fs::exists(run / "dit.done.json"));
  bool resumed = false;
  for (const auto& line : lines) resumed = resumed || line.find("resuming at step 1") != std::string::npos;
  EXPECT_TRUE(resumed);
  EXPECT_EQ(read_json_file(run / "dit" / "checkpoint" / "state.json").value("step", 0), 2);
}

TEST(Trainer, WarmStartWidensConvolutionsThatReadMoreChannelsAndKeepsWhatTheyComputed) {
  testing::TempDir dir;
  torch::manual_seed(0);
  const auto plain_config = testing::fixture_config().vae;
  model::VideoVae plain(plain_config);
  for (auto& p : plain->parameters()) p.data().normal_(0, 0.1);  // not the initialisation the other draws
  model::write_tensors(dir / "plain.safetensors", model::state_of(*plain));

  auto guided_config = plain_config;
  guided_config.guide_channels = 4;
  model::VideoVae guided(guided_config);
  const auto widened = warm_start(*guided, dir / "plain.safetensors");
  EXPECT_FALSE(widened.empty());
  EXPECT_TRUE(std::find(widened.begin(), widened.end(), "decoder_out.weight") != widened.end());
  torch::NoGradGuard no_grad;
  const auto z = torch::randn({1, 4, 3, 8, 8});
  const auto layout = torch::rand({1, 3, 9, 32, 32}) * 2 - 1;
  EXPECT_TRUE(torch::allclose(guided->decode(z, layout), plain->decode(z), 1e-5, 1e-5));

  // Another network's weights are refused, naming the tensor.
  auto wider = testing::fixture_config().vae;
  wider.channels.back() *= 2;
  model::VideoVae wide(wider);
  try {
    warm_start(*wide, dir / "plain.safetensors");
    ADD_FAILURE() << "a reshaped network started from the plain weights";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("another shape"), std::string::npos) << e.what();
  }
}

TEST(Trainer, AudioAutoencoderLossFalls) {
  testing::TempDir dir;
  torch::manual_seed(0);
  const auto config = testing::fixture_config();
  model::AudioAutoencoder ae(config.audio);
  const model::MelVocoder vocoder(config.audio, config.clip.audio_sample_rate);
  run_loop(*ae, options(dir.path(), "audio", 40), audio_loss_parts(), synthetic, audio_step(ae, vocoder, {}),
           [](const std::string&) {});
  const auto l = losses(dir / "loss.csv");
  EXPECT_LT(mean(l, 30, 40), 0.7 * mean(l, 0, 10));
}

TEST(Trainer, DiffusionTransformerLossFallsWithGuideAndConditionChannels) {
  testing::TempDir dir;
  testing::make_fixture_model(dir / "fixture");
  auto config = testing::fixture_config();
  config.dit.guide_channels = 3 * config.vae.temporal_downsample + 1;
  config.dit.condition_channels = config.vae.latent_channels + 1;
  config.text.vocab_size = text::Tokenizer::load(dir / "fixture" / "tokenizer.model").vocab_size();
  torch::manual_seed(0);
  model::KinemaModel m(config);
  for (auto& p : m->vae->parameters()) p.set_requires_grad(false);
  for (auto& p : m->audio_vae->parameters()) p.set_requires_grad(false);
  const auto tokenizer = text::Tokenizer::load(dir / "fixture" / "tokenizer.model");
  const model::MelVocoder vocoder(config.audio, config.clip.audio_sample_rate);
  auto o = options(dir / "dit", "dit", 40);
  // With the look term on: it joins the loss the loop reports.
  run_loop(*m, o, dit_loss_parts(), synthetic, dit_step(m, tokenizer, &vocoder, {.look_weight = 1.0}),
           [](const std::string&) {});
  const auto l = losses(dir / "dit" / "loss.csv");
  EXPECT_LT(mean(l, 30, 40), 0.8 * mean(l, 0, 10));
}

TEST(Trainer, LatentCacheHoldsWhatTheAutoencodersMakeAndShufflesEachEpoch) {
  testing::TempDir dir;
  testing::make_fixture_model(dir / "fixture");
  auto config = testing::fixture_config();
  config.dit.guide_channels = 3 * config.vae.temporal_downsample + 1;
  config.text.vocab_size = text::Tokenizer::load(dir / "fixture" / "tokenizer.model").vocab_size();
  torch::manual_seed(0);
  model::KinemaModel m(config);
  m->eval();
  const model::MelVocoder vocoder(config.audio, config.clip.audio_sample_rate);
  const auto worded = [](uint64_t i) {
    Sample s = synthetic(i);
    s.wordings = {s.caption, "wording two of " + std::to_string(i)};
    return s;
  };
  LatentCacheOptions co;
  co.dir = dir / "latents";
  co.samples = 6;  // two shards of four: the last one is filled up to a whole shard
  co.shard_size = 4;
  co.batch = 3;
  std::vector<std::string> lines;
  ASSERT_TRUE(build_latent_cache(m, &vocoder, worded, co, [&](const std::string& l) { lines.push_back(l); }, nullptr));
  EXPECT_TRUE(fs::exists(co.dir / "shard-00001.safetensors"));
  EXPECT_EQ(lines.size(), 3u);  // a start line and one per shard
  lines.clear();
  ASSERT_TRUE(build_latent_cache(m, &vocoder, worded, co, [&](const std::string& l) { lines.push_back(l); }, nullptr));
  EXPECT_TRUE(lines.empty());  // nothing left to encode

  const auto source = latent_cache_source(co, 11);
  std::vector<int64_t> first_epoch;
  for (uint64_t i = 0; i < 8; ++i) {
    const Sample s = source(i);
    ASSERT_TRUE(s.encoded);
    // Which synthetic sample is this? Its wordings name it.
    const std::string& two = s.wordings.at(1);
    const uint64_t original = std::stoull(two.substr(two.rfind(' ') + 1));
    first_epoch.push_back(static_cast<int64_t>(original));
    EXPECT_EQ(s.caption, s.wordings.at(0));  // epoch 0: the first wording
    const auto online = encode_batch(m, {synthetic(original)}, &vocoder);
    EXPECT_LT((s.encoded->video - online.video[0]).abs().max().item<double>(), 2e-2);
    EXPECT_LT((s.encoded->layout - online.layout[0]).abs().max().item<double>(), 1.0 / 127);
    EXPECT_LT((s.encoded->audio - online.audio[0]).abs().max().item<double>(), 2e-2);
  }
  std::vector<int64_t> sorted = first_epoch;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7}));  // every entry once per epoch
  std::vector<int64_t> second_epoch;
  for (uint64_t i = 8; i < 16; ++i) {
    const Sample s = source(i);
    EXPECT_EQ(s.caption, s.wordings.at(1));  // epoch 1: the second wording
    second_epoch.push_back(std::stoll(s.caption.substr(s.caption.rfind(' ') + 1)));
  }
  EXPECT_NE(first_epoch, second_epoch);  // a fresh shuffle

  // Scene features come with the entry they belong to, whatever the shuffle.
  const auto with_scenes = latent_cache_source(co, 11, [](uint64_t entry) { return std::vector<float>{1.0f * entry, 7.0f}; });
  for (uint64_t i = 0; i < 8; ++i) {
    const Sample s = with_scenes(i);
    const std::string& two = s.wordings.at(1);
    const float original = static_cast<float>(std::stoull(two.substr(two.rfind(' ') + 1)));
    EXPECT_EQ(s.scene_features, (std::vector<float>{original, 7.0f}));
    ASSERT_TRUE(s.encoded->scene.defined());
    EXPECT_EQ(s.encoded->scene[0].item<float>(), original);
  }
}

// The EMA must forget the random initialisation: a DiT exported after 1100 steps with a fixed decay of 0.999
// still held a third of it and drew noise.
TEST(Trainer, EmaWarmsUpAndForgetsTheInitialisation) {
  torch::nn::Linear layer(4, 4);
  Ema ema(*layer, 0.999);
  EXPECT_NEAR(ema.decay_at(0), 0.1, 1e-12);
  EXPECT_NEAR(ema.decay_at(1000000), 0.999, 1e-12);
  const torch::Tensor start = layer->weight.detach().clone();
  {
    torch::NoGradGuard no_grad;
    layer->weight.copy_(start + 1.0);  // training moved every weight by 1
  }
  for (int64_t n = 0; n < 200; ++n) ema.update(*layer, n);
  const double left = (ema.weights().at("weight") - start - 1.0).abs().max().item<double>();
  EXPECT_LT(left, 0.05);  // a fixed 0.999 would leave 0.999^200 = 0.82 of the initialisation
}

// Shifting the training noise levels as the sampler shifts its timesteps moves them toward pure noise.
TEST(Trainer, ShiftedTrainingTimestepsLeanTowardNoise) {
  torch::Generator g = at::make_generator<at::CPUGeneratorImpl>(7);
  const auto plain = training_timesteps(20000, 1.0, g), shifted = training_timesteps(20000, 2.0, g);
  EXPECT_GT(plain.min().item<double>(), 0.0);
  EXPECT_LT(shifted.max().item<double>(), 1.0);
  EXPECT_NEAR(plain.median().item<double>(), 0.5, 0.02);
  EXPECT_NEAR(shifted.median().item<double>(), 2.0 / 3.0, 0.02);  // 2 * 0.5 / (1 + 0.5)
  const double noisy_plain = (plain > 0.9).to(torch::kDouble).mean().item<double>();
  const double noisy_shifted = (shifted > 0.9).to(torch::kDouble).mean().item<double>();
  EXPECT_LT(noisy_plain, 0.03);
  EXPECT_GT(noisy_shifted, 3 * noisy_plain);
}

// A share of samples at pure noise: a shift alone hardly reaches t > 0.99, where the look must come from the
// conditions; the share puts that many samples there and leaves the rest as the shift draws them.
TEST(Trainer, PureNoiseShareOfTrainingTimesteps) {
  torch::Generator g = at::make_generator<at::CPUGeneratorImpl>(11);
  const auto above = [](const torch::Tensor& t, double level) {
    return (t > level).to(torch::kDouble).mean().item<double>();
  };
  const auto shifted = training_timesteps(20000, 5.0, g), shared = training_timesteps(20000, 5.0, g, 0.15);
  EXPECT_LT(above(shifted, 0.99), 0.005);
  EXPECT_NEAR(above(shared, 0.99), 0.15, 0.015);
  EXPECT_LT(shared.max().item<double>(), 1.0);
  // Below 0.99 the shared draw keeps the shifted distribution's shape: its median sits where the shift puts it.
  const auto rest = shared.masked_select(shared <= 0.99);
  EXPECT_NEAR(rest.median().item<double>(), shifted.median().item<double>(), 0.02);
  // With no share, the draw is the old one (a shifted logit-normal and nothing else drawn), so runs resume alike.
  torch::Generator a = at::make_generator<at::CPUGeneratorImpl>(3), b = at::make_generator<at::CPUGeneratorImpl>(3);
  const auto u = torch::sigmoid(torch::randn({64}, b));
  EXPECT_TRUE(torch::allclose(training_timesteps(64, 5.0, a, 0.0), 5.0 * u / (1 + 4.0 * u)));
  EXPECT_TRUE(torch::equal(torch::randn({4}, a), torch::randn({4}, b)));  // the generators are still in step
}

// The look term weighs an error shared by a whole region and not one that alternates inside it, and more
// at the noisy end: the implied x0 is off by t times the velocity's error.
TEST(Trainer, LookLossWeighsRegionWideErrorsByTheNoiseLevel) {
  const auto target = torch::randn({2, 8, 3, 8, 8});
  const auto t = torch::tensor({1.0f, 0.5f});
  // The sky a shade off everywhere: each block's mean is off by 0.2, by t x 0.2 in x0.
  const auto shade = look_loss(target + 0.2, target, t).item<double>();
  EXPECT_NEAR(shade, (0.2 * 0.2 + 0.1 * 0.1) / 2, 1e-6);
  // A checkerboard of +-0.2 (as large at every element) cancels inside each 4 x 4 block.
  const auto idx = torch::arange(8);
  const auto board = ((idx.view({8, 1}) + idx.view({1, 8})) % 2 * 2 - 1).to(torch::kFloat) * 0.2;
  EXPECT_NEAR(look_loss(target + board, target, t).item<double>(), 0.0, 1e-9);
  EXPECT_NEAR((board.pow(2)).mean().item<double>(), 0.04, 1e-6);
  // Only the noisy sample counts when its clean twin (t = 0) is equally wrong.
  EXPECT_NEAR(look_loss(target + 0.2, target, torch::tensor({1.0f, 0.0f})).item<double>(), 0.04 / 2, 1e-6);
}

// A module added to a network after its checkpoint was written (named in added_modules) starts from its
// initialisation while the rest resumes; its Adam moments and EMA warm up from the resume, and a later
// checkpoint remembers when it joined. Without the name, a missing tensor is an error.
TEST(Trainer, ModuleAddedAfterACheckpointStartsFreshWhileTheRestResumes) {
  testing::TempDir dir;
  namespace nn = torch::nn;
  torch::manual_seed(0);
  nn::Sequential old_net(nn::Linear(3, 3));
  AdamW old_opt(*old_net, {.lr = 0.1});
  Ema old_ema(*old_net, 0.999);
  old_net->forward(torch::randn({4, 3})).pow(2).sum().backward();
  old_opt.step(0.1);
  old_ema.update(*old_net, 0);
  save_checkpoint(dir.path(), {old_net.ptr().get(), &old_ema, &old_opt, nullptr, {}}, {{"step", 1}});

  nn::Sequential grown(nn::Linear(3, 3), nn::Linear(3, 3));
  const auto fresh = grown->ptr<nn::LinearImpl>(1)->weight.detach().clone();
  AdamW opt(*grown, {.lr = 0.1});
  Ema ema(*grown, 0.999);
  Json state;
  EXPECT_THROW(load_checkpoint(dir.path(), {grown.ptr().get(), &ema, &opt, nullptr, {}}, state), Error);
  ASSERT_TRUE(load_checkpoint(dir.path(), {grown.ptr().get(), &ema, &opt, nullptr, {"1"}}, state));
  EXPECT_TRUE(torch::equal(grown->ptr<nn::LinearImpl>(0)->weight, old_net->ptr<nn::LinearImpl>(0)->weight));
  EXPECT_TRUE(torch::equal(grown->ptr<nn::LinearImpl>(1)->weight, fresh));

  // Adam's first step of the new layer is bias-corrected by its own count: about lr per weight.
  grown->forward(torch::randn({4, 3})).pow(2).sum().backward();
  opt.step(0.1);
  const double moved = (grown->ptr<nn::LinearImpl>(1)->weight - fresh).abs().mean().item<double>();
  EXPECT_NEAR(moved, 0.1, 0.02);
  // The EMA of the new layer warms up from the resume (decay 0.1), the old layer's does not (0.999 cap).
  ema.update(*grown, 1);
  const auto averaged = ema.weights().at("1.weight");
  EXPECT_LT((averaged - grown->ptr<nn::LinearImpl>(1)->weight).abs().max().item<double>(), 0.015);
  save_checkpoint(dir / "later", {grown.ptr().get(), &ema, &opt, nullptr, {}}, {{"step", 2}});
  const auto written = model::read_tensors(dir / "later" / "checkpoint" / "ema.safetensors");
  ASSERT_TRUE(written.count("joined_at.1.weight"));
  EXPECT_EQ(written.at("joined_at.1.weight").item<double>(), 1.0);
  EXPECT_FALSE(written.count("joined_at.0.weight"));
  EXPECT_TRUE(model::read_tensors(dir / "later" / "checkpoint" / "optimizer.safetensors").count("1.weight.step"));
}

TEST(Trainer, AskingForCudaWhereThereIsNoneIsAClearErrorBeforeAnythingIsWritten) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "this libtorch has CUDA";
  testing::TempDir dir;
  RecipeOptions o;
  o.recipe = dir / "no-recipe.json";
  o.run = dir / "run";
  o.device = "cuda";
  try {
    run_recipe(o, [](const std::string&) {});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_NE(std::string(e.what()).find("CUDA"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "run"));
  o.device = "tpu";
  EXPECT_THROW(run_recipe(o, [](const std::string&) {}), Error);
}

TEST(Trainer, ResumedRunEndsWithTheSameWeightsAsAnUnbrokenOne) {
  testing::TempDir dir;
  VaeStageOptions vo;
  vo.crop_size = 16;
  const auto run = [&](const fs::path& where, int stop_at) {
    torch::manual_seed(0);
    model::VideoVae vae(testing::fixture_config().vae);
    std::atomic<bool> stop{false};
    int64_t seen = 0;
    run_loop(*vae, options(where, "vae", 8), vae_loss_parts(), synthetic, vae_step(vae, vo),
             [&](const std::string&) {
               if (++seen == stop_at) stop = true;
             },
             &stop);
  };
  run(dir / "straight", -1);
  run(dir / "broken", 3);  // stops after step 3 and checkpoints
  EXPECT_EQ(losses(dir / "broken" / "loss.csv").size(), 3u);
  run(dir / "broken", -1);  // resumes from step 3
  const auto a = model::read_tensors(dir / "straight" / "checkpoint" / "model.safetensors");
  const auto b = model::read_tensors(dir / "broken" / "checkpoint" / "model.safetensors");
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, t] : a) EXPECT_TRUE(torch::equal(t, b.at(name))) << name;
  const auto ea = model::read_tensors(dir / "straight" / "checkpoint" / "ema.safetensors");
  const auto eb = model::read_tensors(dir / "broken" / "checkpoint" / "ema.safetensors");
  for (const auto& [name, t] : ea) EXPECT_TRUE(torch::equal(t, eb.at(name))) << name;
  EXPECT_EQ(losses(dir / "broken" / "loss.csv").size(), 8u);
}

}  // namespace
}  // namespace kinema::train

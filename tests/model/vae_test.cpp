// Tests for the video autoencoder's shapes and causality, and the audio branch's shapes.
#include "model/vae.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "core/error.h"
#include "model/audio_autoencoder.h"
#include "model/vocoder.h"
#include "model/weights.h"
#include "support/fixture_model.h"

namespace kinema::model {
namespace {

TEST(VideoVae, CompressesSpaceAndTimeAsConfigured) {
  torch::manual_seed(0);
  const auto config = testing::fixture_config();
  VideoVae vae(config.vae);
  const auto frames = torch::rand({1, 3, 9, 32, 32}) * 2 - 1;
  const auto z = vae->encode(frames).mean;
  EXPECT_EQ(z.sizes().vec(), (std::vector<int64_t>{1, 4, 3, 8, 8}));
  EXPECT_EQ(vae->decode(z).sizes().vec(), (std::vector<int64_t>{1, 3, 9, 32, 32}));
}

TEST(VideoVae, StillImageIsAOneFrameVideo) {
  torch::manual_seed(0);
  VideoVae vae(testing::fixture_config().vae);
  const auto z = vae->encode(torch::rand({2, 3, 1, 32, 32})).mean;
  EXPECT_EQ(z.size(2), 1);
  EXPECT_EQ(vae->decode(z).size(2), 1);
}

TEST(VideoVae, EncoderIsCausalInTime) {
  torch::manual_seed(0);
  VideoVae vae(testing::fixture_config().vae);
  torch::NoGradGuard no_grad;
  auto frames = torch::rand({1, 3, 9, 32, 32});
  const auto before = vae->encode(frames).mean;
  frames.narrow(2, 5, 4).uniform_();  // change frames 5..8: the last latent frame's group
  const auto after = vae->encode(frames).mean;
  EXPECT_TRUE(torch::equal(before.narrow(2, 0, 2), after.narrow(2, 0, 2)));
  EXPECT_FALSE(torch::equal(before.narrow(2, 2, 1), after.narrow(2, 2, 1)));
  // The first frame alone decides the first latent frame.
  frames.narrow(2, 1, 8).uniform_();
  EXPECT_TRUE(torch::equal(before.narrow(2, 0, 1), vae->encode(frames).mean.narrow(2, 0, 1)));
}

TEST(VideoVae, DecoderIsCausalInTime) {
  torch::manual_seed(0);
  VideoVae vae(testing::fixture_config().vae);
  torch::NoGradGuard no_grad;
  auto z = torch::randn({1, 4, 3, 8, 8});
  const auto before = vae->decode(z);
  z.narrow(2, 2, 1).normal_();
  const auto after = vae->decode(z);
  EXPECT_TRUE(torch::equal(before.narrow(2, 0, 5), after.narrow(2, 0, 5)));  // frames of latents 0 and 1
  EXPECT_FALSE(torch::equal(before.narrow(2, 5, 4), after.narrow(2, 5, 4)));
}

TEST(VideoVae, GuidedDecoderReadsTheLayoutOfEachFrameAndDecodesWithoutOne) {
  torch::manual_seed(0);
  auto config = testing::fixture_config().vae;
  config.guide_channels = 4;
  VideoVae vae(config);
  torch::NoGradGuard no_grad;
  const auto z = torch::randn({2, 4, 3, 8, 8});
  auto layout = torch::rand({2, 3, 9, 32, 32}) * 2 - 1;
  const auto free = vae->decode(z);
  const auto guided = vae->decode(z, layout);
  EXPECT_EQ(free.sizes().vec(), (std::vector<int64_t>{2, 3, 9, 32, 32}));
  EXPECT_EQ(guided.sizes().vec(), free.sizes().vec());
  EXPECT_FALSE(torch::allclose(free, guided));
  // Dropping a sample's layout (training's guidance dropout) is free mode for that sample alone.
  const auto keep = torch::tensor({true, false});
  const auto mixed = vae->decode(z, layout, keep);
  EXPECT_TRUE(torch::allclose(mixed[0], guided[0], 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(mixed[1], free[1], 1e-5, 1e-5));
  // Frame by frame: changing the layout of frame 7 changes frame 7 and no earlier one.
  layout.narrow(2, 7, 1).uniform_(-1, 1);
  const auto changed = vae->decode(z, layout);
  EXPECT_TRUE(torch::allclose(changed.narrow(2, 0, 7), guided.narrow(2, 0, 7), 1e-5, 1e-5));
  EXPECT_FALSE(torch::allclose(changed.narrow(2, 7, 1), guided.narrow(2, 7, 1)));
}

TEST(VideoVae, LatentGridGuideStartsAsTheDecoderWithoutItAndThenReadsTheLayoutOfEachFrame) {
  torch::manual_seed(0);
  auto config = testing::fixture_config().vae;
  config.guide_channels = 4;
  VideoVae plain(config);
  config.latent_guide = true;
  VideoVae with_grid(config);
  torch::NoGradGuard no_grad;
  load_video_autoencoder(*with_grid, state_of(*plain));  // weights from before the guide existed
  EXPECT_EQ(state_of(*with_grid).size(), state_of(*plain).size() + 2);
  EXPECT_EQ(with_grid->decoder_guide->weight.abs().max().item<float>(), 0.0f);  // starts at zero
  auto lacking = state_of(*plain);
  lacking.erase("decoder_out.bias");
  EXPECT_THROW(load_video_autoencoder(*with_grid, lacking), Error);  // anything else must be there
  const auto z = torch::randn({1, 4, 3, 8, 8});
  auto layout = torch::rand({1, 3, 9, 32, 32}) * 2 - 1;
  const auto before = plain->decode(z, layout);
  EXPECT_TRUE(torch::allclose(with_grid->decode(z, layout), before, 1e-5, 1e-5));
  with_grid->decoder_guide->weight.normal_(0, 0.1);
  const auto guided = with_grid->decode(z, layout);
  EXPECT_FALSE(torch::allclose(guided, before, 1e-3, 1e-3));
  // Still frame by frame: frame 7's layout changes frame 7 alone.
  layout.narrow(2, 7, 1).uniform_(-1, 1);
  const auto changed = with_grid->decode(z, layout);
  EXPECT_TRUE(torch::allclose(changed.narrow(2, 0, 7), guided.narrow(2, 0, 7), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(changed.narrow(2, 8, 1), guided.narrow(2, 8, 1), 1e-5, 1e-5));
  EXPECT_FALSE(torch::allclose(changed.narrow(2, 7, 1), guided.narrow(2, 7, 1)));
}

TEST(VideoVae, SceneDescriptionStartsAsWithoutItThenBiasesTheDecoderWhereKept) {
  torch::manual_seed(0);
  auto config = testing::fixture_config().vae;
  config.guide_channels = 4;
  VideoVae plain(config);
  config.scene_channels = 4;  // three features and the flag
  VideoVae with_scene(config);
  torch::NoGradGuard no_grad;
  load_video_autoencoder(*with_scene, state_of(*plain));  // weights from before the scene's map existed
  EXPECT_EQ(state_of(*with_scene).size(), state_of(*plain).size() + 2);
  const auto z = torch::randn({2, 4, 3, 8, 8});
  const auto layout = torch::rand({2, 3, 9, 32, 32}) * 2 - 1;
  const auto scene = torch::tensor({{1.0f, 0.0f, 0.5f}, {0.0f, 1.0f, 0.0f}});
  const auto before = plain->decode(z, layout);
  EXPECT_TRUE(torch::allclose(with_scene->decode(z, layout, {}, scene), before, 1e-5, 1e-5));  // starts at zero
  with_scene->decoder_scene->weight.normal_(0, 0.5);
  const auto read = with_scene->decode(z, layout, {}, scene);
  EXPECT_FALSE(torch::allclose(read[0], before[0], 1e-3, 1e-3));
  EXPECT_FALSE(torch::allclose(read[0], read[1], 1e-3, 1e-3));  // two scenes
  // A sample whose layout is dropped is decoded as with no scene at all.
  const auto mixed = with_scene->decode(z, layout, torch::tensor({true, false}), scene);
  const auto none = with_scene->decode(z, layout, torch::tensor({false, false}));
  EXPECT_TRUE(torch::allclose(mixed[0], read[0], 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(mixed[1], none[1], 1e-5, 1e-5));
  EXPECT_FALSE(torch::allclose(none[1], read[1], 1e-3, 1e-3));
  EXPECT_THROW(with_scene->decode(z, layout, {}, scene.narrow(1, 0, 2)), Error);
}

// The fixture's guided decoder reading a scene of two features (and the flag), to which a grid is added.
VaeConfig scene_decoder_config() {
  torch::manual_seed(0);
  auto config = testing::fixture_config().vae;
  config.guide_channels = 4;
  config.scene_channels = 3;
  return config;
}

TEST(VideoVae, PixelArtGridIsDrawnInFlatCellsFromTheTopLeftWhereTheSceneHasItsFeature) {
  auto config = scene_decoder_config();
  VideoVae plain(config);
  config.grid_cell = 3;
  config.grid_feature = 1;
  VideoVae gridded(config);
  torch::NoGradGuard no_grad;
  load_video_autoencoder(*gridded, state_of(*plain));  // the grid adds no weights
  plain->decoder_scene->weight.normal_();               // a scene bias, so that the scenes draw differently
  gridded->decoder_scene->weight.copy_(plain->decoder_scene->weight);
  const auto z = torch::randn({3, 4, 3, 8, 8});
  const auto layout = torch::rand({3, 3, 9, 32, 32}) * 2 - 1;
  const auto scene = torch::tensor({{0.0f, 1.0f}, {1.0f, 0.0f}, {0.0f, 1.0f}});
  const auto keep = torch::tensor({true, true, false});
  const auto before = plain->decode(z, layout, keep, scene);
  const auto out = gridded->decode(z, layout, keep, scene);
  // Sample 0 has feature 1: cells of 3 from the top left (the last 2 wide), each the mean of what was drawn there.
  for (int64_t y0 = 0; y0 < 32; y0 += 3)
    for (int64_t x0 = 0; x0 < 32; x0 += 3) {
      const int64_t hh = std::min<int64_t>(3, 32 - y0), ww = std::min<int64_t>(3, 32 - x0);
      const auto cell = out[0].narrow(2, y0, hh).narrow(3, x0, ww);  // [3, 9, hh, ww]
      const auto drawn = before[0].narrow(2, y0, hh).narrow(3, x0, ww).mean({2, 3}, true);
      ASSERT_TRUE(torch::allclose(cell, drawn.expand_as(cell), 1e-4, 1e-5)) << x0 << ", " << y0;
    }
  EXPECT_GT((out[0].narrow(3, 3, 1) - out[0].narrow(3, 2, 1)).abs().max().item<double>(), 1e-2);  // not one flat picture
  // Another style, and the same scene dropped with the layout, are drawn as without the grid.
  EXPECT_TRUE(torch::equal(out[1], before[1]));
  EXPECT_TRUE(torch::equal(out[2], before[2]));
  EXPECT_GT((before[2] - before[0]).abs().max().item<double>(), 1e-3);  // the dropped scene did change the picture
  // Free mode: no layout, no scene, no grid.
  EXPECT_TRUE(torch::equal(gridded->decode(z), plain->decode(z)));
}

TEST(AudioAutoencoder, MapsMelFramesToAFinerLatentGrid) {
  torch::manual_seed(0);
  const auto config = testing::fixture_config();
  AudioAutoencoder ae(config.audio);
  const auto z = ae->encode(torch::randn({1, 16, 40})).mean;
  EXPECT_EQ(z.sizes().vec(), (std::vector<int64_t>{1, 4, 20}));
  EXPECT_EQ(ae->decode(z).sizes().vec(), (std::vector<int64_t>{1, 16, 40}));
}

// The shipped model's sound front end: 16 kHz, 32 ms windows every 10 ms, 64 mel bands.
AudioConfig shipped_audio() {
  AudioConfig config;
  config.n_fft = 512;
  config.hop = 160;
  config.n_mels = 64;
  config.f_max = 8000;
  config.griffin_lim_iterations = 32;
  return config;
}

TEST(MelVocoder, GriffinLimRecoversATonesPitchAndLength) {
  MelVocoder vocoder(shipped_audio(), 16000);
  const int64_t samples = 16000;
  const auto t = torch::arange(samples, torch::kFloat) / 16000.0;
  const auto tone = (torch::sin(t * (2 * M_PI * 440.0)) * 0.5).unsqueeze(0);
  const auto mel = vocoder.analyze(tone);
  EXPECT_EQ(mel.size(2), samples / 160);
  auto generator = at::make_generator<at::CPUGeneratorImpl>(1);
  const auto wave = vocoder.synthesize(mel, samples, generator);
  ASSERT_EQ(wave.size(1), samples);
  // The dominant frequency within a few percent (1 s of sound: rfft bins are 1 Hz), similar loudness.
  const auto spectrum_out = torch::fft_rfft(wave).abs();
  EXPECT_NEAR(spectrum_out.argmax().item<int64_t>(), 440, 15);
  const double rms_in = tone.pow(2).mean().sqrt().item<double>(), rms_out = wave.pow(2).mean().sqrt().item<double>();
  EXPECT_NEAR(rms_out / rms_in, 1.0, 0.35);
}

// An impact: silence, then at sample 8000 a decaying ring of three partials. What the judge listens for is
// the attack: where it lies and how little sound comes before it.
struct Attack {
  double onset_ms;        // where the sound first reaches half its peak amplitude (RMS over 1 ms)
  double pre_echo_db;     // energy in the 10 ms before the true onset over the 10 ms after it
};
Attack attack_of(const torch::Tensor& wave, int rate, int64_t true_onset) {
  const auto energy = torch::avg_pool1d(wave.pow(2).unsqueeze(0), rate / 1000, 1, 0).squeeze();  // 1 ms windows
  const double peak = energy.max().item<double>();
  const int64_t first = (energy >= 0.25 * peak).nonzero().min().item<int64_t>();
  const double before = wave.narrow(1, true_onset - rate / 100, rate / 100).pow(2).sum().item<double>();
  const double after = wave.narrow(1, true_onset, rate / 100).pow(2).sum().item<double>();
  return {1000.0 * static_cast<double>(first - true_onset) / rate, 10 * std::log10((before + 1e-12) / after)};
}

// Phase from the magnitude's slopes alone (no Griffin-Lim iteration after it) puts an impact's attack where
// it was; random phase smears it over the window, before the impact.
TEST(MelVocoder, PhaseFromTheMagnitudesSlopesPutsAnImpactsAttackWhereItWas) {
  AudioConfig config = shipped_audio();
  config.griffin_lim_iterations = 0;
  config.sharpen_attacks = false;
  const int64_t samples = 16000, onset = 8000;
  auto hit = torch::zeros({1, samples});
  const auto t = torch::arange(samples - onset, torch::kFloat) / 16000.0;
  hit.narrow(1, onset, samples - onset)
      .copy_(((torch::sin(t * (2 * M_PI * 480.0)) + 0.7 * torch::sin(t * (2 * M_PI * 1150.0)) +
               0.5 * torch::sin(t * (2 * M_PI * 2400.0))) * torch::exp(-t * 40.0) * 0.4).unsqueeze(0));
  const Attack exact = attack_of(hit, 16000, onset);
  std::map<std::string, Attack> heard;
  for (const std::string phase : {"random", "gradient"}) {
    config.phase = phase;
    MelVocoder vocoder(config, 16000);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(1);
    heard[phase] = attack_of(vocoder.synthesize(vocoder.analyze(hit), samples, generator), 16000, onset);
    std::printf("%s phase: onset %+.1f ms, pre-echo %.1f dB (the original: %+.1f ms, %.1f dB)\n", phase.c_str(),
                heard[phase].onset_ms, heard[phase].pre_echo_db, exact.onset_ms, exact.pre_echo_db);
  }
  EXPECT_NEAR(heard["gradient"].onset_ms, exact.onset_ms, 1.0);
  EXPECT_LE(heard["gradient"].pre_echo_db, -10.0);
  EXPECT_LT(heard["gradient"].pre_echo_db, heard["random"].pre_echo_db - 6.0);
  EXPECT_LT(heard["random"].onset_ms, exact.onset_ms - 3.0);  // what the slopes fix
}

// A hit 30 dB over a bed of noise (ambience): the inverse STFT swells into it over milliseconds; the vocoder
// holds the swell down to the bed, so the attack strikes where the mel's rise says, as the original does.
TEST(MelVocoder, AnImpactOnABedOfNoiseStrikesRatherThanSwells) {
  const int64_t samples = 16000, onset = 8000;
  auto generator = at::make_generator<at::CPUGeneratorImpl>(7);
  auto sound = torch::randn({1, samples}, generator) * 0.01;  // about -40 dB
  const auto t = torch::arange(samples - onset, torch::kFloat) / 16000.0;
  sound.narrow(1, onset, samples - onset)
      .add_(((torch::sin(t * (2 * M_PI * 620.0)) + 0.8 * torch::sin(t * (2 * M_PI * 1480.0)) +
              0.6 * torch::sin(t * (2 * M_PI * 2710.0))) * torch::exp(-t * 25.0) * 0.3).unsqueeze(0));
  // The attack, millisecond by millisecond within 40 ms of the true onset: where the sound first reaches
  // half its peak amplitude (a quarter of the energy), and how long it swells from a tenth (1% of the energy)
  // to there.
  struct Strike {
    double onset_ms, swell_ms;
  };
  const auto strike_of = [&](const torch::Tensor& wave) {
    const auto energy = torch::avg_pool1d(wave.pow(2).unsqueeze(0), 16, 16).squeeze();  // per ms
    const int64_t from = onset / 16 - 40;
    const auto near = energy.narrow(0, from, 80);
    const auto first_at = [&](double share) { return (near >= share * near.max()).nonzero().min().item<int64_t>(); };
    return Strike{static_cast<double>(from + first_at(0.25) - onset / 16), static_cast<double>(first_at(0.25) - first_at(0.01))};
  };
  const Strike exact = strike_of(sound);
  std::map<bool, Strike> heard;
  for (const bool sharpen : {false, true}) {
    AudioConfig config = shipped_audio();
    config.sharpen_attacks = sharpen;
    MelVocoder vocoder(config, 16000);
    auto phase_generator = at::make_generator<at::CPUGeneratorImpl>(1);
    const auto w = vocoder.synthesize(vocoder.analyze(sound), samples, phase_generator);
    heard[sharpen] = strike_of(w);
    std::printf("attacks %s: onset %+.0f ms, swell %.0f ms (the original: %+.0f ms, %.0f ms)\n", sharpen ? "sharpened" : "as they come",
                heard[sharpen].onset_ms, heard[sharpen].swell_ms, exact.onset_ms, exact.swell_ms);
  }
  EXPECT_NEAR(heard[true].onset_ms, exact.onset_ms, 2.0);
  EXPECT_LE(heard[true].swell_ms, 2.0);
  EXPECT_GE(heard[false].swell_ms, heard[true].swell_ms + 3.0);  // what the sharpening does
}

}  // namespace
}  // namespace kinema::model

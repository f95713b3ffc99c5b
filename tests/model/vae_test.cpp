// Tests for the video autoencoder's shapes and causality, and the audio branch's shapes.
#include "model/vae.h"

#include <gtest/gtest.h>

#include "model/audio_autoencoder.h"
#include "model/vocoder.h"
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

TEST(AudioAutoencoder, MapsMelFramesToAFinerLatentGrid) {
  torch::manual_seed(0);
  const auto config = testing::fixture_config();
  AudioAutoencoder ae(config.audio);
  const auto z = ae->encode(torch::randn({1, 16, 40})).mean;
  EXPECT_EQ(z.sizes().vec(), (std::vector<int64_t>{1, 4, 20}));
  EXPECT_EQ(ae->decode(z).sizes().vec(), (std::vector<int64_t>{1, 16, 40}));
}

TEST(MelVocoder, GriffinLimRecoversATonesPitchAndLength) {
  AudioConfig config;
  config.n_fft = 512;
  config.hop = 160;
  config.n_mels = 64;
  config.f_max = 8000;
  config.griffin_lim_iterations = 32;
  MelVocoder vocoder(config, 16000);
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

}  // namespace
}  // namespace kinema::model

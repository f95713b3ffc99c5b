// A small model folder with random weights for tests.
#include "support/fixture_model.h"

#include <torch/torch.h>

#include "model/kinema_model.h"
#include "model/model_io.h"
#include "pipeline/world_guide.h"
#include "text/tokenizer.h"

namespace kinema::testing {
namespace fs = std::filesystem;

model::ModelConfig fixture_config(const FixtureOptions& options) {
  Json j = {
      {"name", "fixture"},
      {"version", "test"},
      {"clip", {{"width", options.size}, {"height", options.size}, {"fps", 8}, {"frames", 9}, {"max_frames", 17}, {"audio_sample_rate", 8000}}},
      {"text_encoder", {{"vocab_size", 64}, {"width", 32}, {"depth", 1}, {"heads", 2}, {"ffn_dim", 64}, {"max_tokens", 32}}},
      {"vae",
       {{"latent_channels", 4}, {"channels", {8, 16, 16}}, {"spatial_downsample", 4}, {"temporal_downsample", 4},
        {"res_blocks", 1}, {"temporal_res_blocks", 1}}},
      {"dit",
       {{"latent_channels", 4}, {"condition_channels", options.condition_channels}, {"patch", {1, 2, 2}},
        {"width", 32}, {"depth", 2}, {"heads", 2}, {"ffn_dim", 64}, {"freq_dim", 32}, {"text_dim", 32},
        {"audio_channels", options.audio ? 4 : 0}, {"guide_channels", options.guided ? 13 : 0},
        {"audio_guide_channels", options.guided && options.audio ? pipeline::kAudioEventChannels + 1 : 0}}},
      {"sampler", {{"steps", 4}, {"guidance", 3.0}, {"shift", 1.0}, {"solver", "euler"}}},
  };
  if (options.styled_decoder) {
    j["dit"]["scene_channels"] = pipeline::kSceneFeatures + 1;
    j["vae"]["guide_channels"] = 4;
    j["vae"]["grid_cell"] = 3;
    j["vae"]["grid_feature"] = static_cast<int>(world::Style::pixel);
    j["vae"]["scene_channels"] = pipeline::kSceneFeatures + 1;
  }
  if (options.audio)
    j["audio"] = {{"n_fft", 256}, {"hop", 80}, {"n_mels", 16}, {"latent_channels", 4}, {"hidden", 16},
                  {"downsample", 2}, {"griffin_lim_iterations", 8}, {"log_mel_mean", -4.0}, {"log_mel_std", 2.0}};
  return model::ModelConfig::parse(j, "fixture model.json");
}

void make_fixture_model(const fs::path& dir, uint64_t seed, const FixtureOptions& options) {
  fs::create_directories(dir);
  const std::vector<std::string> sentences = {
      "a red ball bounces on a metal floor",     "a blue box slides across the ice",
      "a green ball rolls on the grass at sunset", "a glass falls and shatters on the wood floor",
      "the character runs and jumps over a box",  "a yellow ball drops into a puddle at night",
      "the camera pans left over a sand ground",  "a stack of boxes topples in the rain",
      "cartoon style, a ball falls slowly",       "neon style at night, a ball bounces twice",
  };
  text::Tokenizer::train(sentences, dir / "tokenizer", 64);
  const auto tokenizer = text::Tokenizer::load(dir / "tokenizer.model");

  auto config = fixture_config(options);
  config.text.vocab_size = tokenizer.vocab_size();
  torch::manual_seed(seed);
  model::KinemaModel model(config);
  {
    // Random weights, but with latent statistics a real model would have, so decoding is well scaled.
    torch::NoGradGuard no_grad;
    model->vae->latent_std.fill_(0.5);
    if (options.flat_picture) {
      model->vae->decoder_out->weight.zero_();
      model->vae->decoder_out->bias.zero_();
    }
  }
  model::save_model(dir, model, dir / "tokenizer.model",
                    "# fixture\nRandom weights for tests. Not a model: it makes noise.\n",
                    {safetensors::DType::F16, options.max_shard_bytes});
  fs::remove(dir / "tokenizer.vocab");
}

}  // namespace kinema::testing

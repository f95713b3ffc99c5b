// Tests for the diffusion transformer: shapes, Wan2.1-compatible tensor names, and joint audio tokens.
#include "model/dit.h"

#include <gtest/gtest.h>

#include "model/guidance.h"
#include "model/kinema_model.h"
#include "model/weights.h"
#include "support/fixture_model.h"

namespace kinema::model {
namespace {

DitInput input_for(const ModelConfig& c, int64_t batch, int64_t latent_t, int64_t audio_t) {
  DitInput in;
  in.video = torch::randn({batch, c.dit.latent_channels, latent_t, 8, 8});
  in.timestep = torch::full({batch}, 0.5);
  in.context = torch::randn({batch, 5, c.dit.text_dim});
  in.context_mask = torch::ones({batch, 5}, torch::kBool);
  if (audio_t > 0) in.audio = torch::randn({batch, c.dit.audio_channels, audio_t});
  return in;
}

TEST(Dit, PredictsVelocitiesShapedLikeItsInputs) {
  torch::manual_seed(0);
  const auto c = testing::fixture_config();
  Dit dit(c.dit, 0.5);
  const auto out = dit->forward(input_for(c, 2, 3, 12));
  EXPECT_EQ(out.video.sizes().vec(), (std::vector<int64_t>{2, 4, 3, 8, 8}));
  EXPECT_EQ(out.audio.sizes().vec(), (std::vector<int64_t>{2, 4, 12}));
}

TEST(Dit, HasWanTensorNames) {
  const auto c = testing::fixture_config();
  Dit dit(c.dit, 0.5);
  const auto state = state_of(*dit);
  for (const char* name :
       {"patch_embedding.weight", "patch_embedding.bias", "text_embedding.0.weight", "text_embedding.2.weight",
        "time_embedding.0.weight", "time_embedding.2.weight", "time_projection.1.weight", "blocks.0.modulation",
        "blocks.0.norm3.weight", "blocks.0.self_attn.q.weight", "blocks.0.self_attn.norm_q.weight",
        "blocks.0.self_attn.norm_k.weight", "blocks.1.cross_attn.o.bias", "blocks.1.cross_attn.norm_k.weight",
        "blocks.1.ffn.0.weight", "blocks.1.ffn.2.bias", "head.head.weight", "head.modulation"})
    EXPECT_TRUE(state.count(name)) << name;
  EXPECT_EQ(state.at("blocks.0.modulation").sizes().vec(), (std::vector<int64_t>{1, 6, 32}));
  EXPECT_EQ(state.at("head.modulation").sizes().vec(), (std::vector<int64_t>{1, 2, 32}));
  EXPECT_EQ(state.at("patch_embedding.weight").sizes().vec(), (std::vector<int64_t>{32, 4, 1, 2, 2}));
}

TEST(Dit, OptionalPartsFollowTheConfig) {
  auto c = testing::fixture_config({.audio = false});
  c.dit.qk_norm = false;
  c.dit.cross_attn_norm = false;
  Dit dit(c.dit, 0.0);
  const auto state = state_of(*dit);
  EXPECT_FALSE(state.count("blocks.0.self_attn.norm_q.weight"));
  EXPECT_FALSE(state.count("blocks.0.norm3.weight"));
  EXPECT_FALSE(state.count("audio_embedding.weight"));
  const auto out = dit->forward(input_for(c, 1, 2, 0));
  EXPECT_FALSE(out.audio.defined());
}

TEST(Dit, AudioTokensAttendToTheVideo) {
  // Joint denoising: changing only the video input changes the predicted audio velocity.
  torch::manual_seed(0);
  const auto c = testing::fixture_config();
  Dit dit(c.dit, 0.5);
  torch::NoGradGuard no_grad;
  auto in = input_for(c, 1, 3, 12);
  const auto a = dit->forward(in).audio;
  in.video = torch::randn_like(in.video);
  EXPECT_FALSE(torch::allclose(a, dit->forward(in).audio));
}

TEST(Dit, PaddedTextTokensAreIgnored) {
  torch::manual_seed(0);
  const auto c = testing::fixture_config();
  Dit dit(c.dit, 0.5);
  torch::NoGradGuard no_grad;
  auto in = input_for(c, 1, 3, 12);
  in.context_mask = torch::tensor({{true, true, true, false, false}});
  const auto a = dit->forward(in).video;
  in.context.narrow(1, 3, 2).normal_();  // change only the padding
  EXPECT_TRUE(torch::allclose(a, dit->forward(in).video, 1e-5, 1e-5));
}

// The pooled caption path starts silent (a DiT trained without it goes on as it was) and, once its last
// layer has learned something, reaches every token through the modulation, padding excluded.
TEST(Dit, PooledTextStartsSilentThenModulatesEveryToken) {
  auto c = testing::fixture_config();
  torch::manual_seed(0);
  Dit plain(c.dit, 0.5);
  c.dit.pooled_text = true;
  torch::manual_seed(0);
  Dit pooled(c.dit, 0.5);
  torch::NoGradGuard no_grad;
  for (auto [name, t] : state_of(*pooled))
    if (name.rfind("text_pool.", 0) != 0) t.copy_(state_of(*plain).at(name));
  auto in = input_for(c, 1, 3, 12);
  in.context_mask = torch::tensor({{true, true, true, false, false}});
  const auto before = pooled->forward(in);
  EXPECT_TRUE(torch::allclose(before.video, plain->forward(in).video, 1e-6, 1e-6));

  pooled->text_pool->ptr<torch::nn::LinearImpl>(2)->weight.normal_(0.0, 0.5);
  const auto with_path = pooled->forward(in);
  EXPECT_FALSE(torch::allclose(with_path.video, before.video, 1e-3, 1e-3));
  auto padded = in;
  padded.context = in.context.clone();
  padded.context.narrow(1, 3, 2).normal_();
  EXPECT_TRUE(torch::allclose(with_path.video, pooled->forward(padded).video, 1e-5, 1e-5));
  // Without cross-attention's help: zero the cross-attention outputs, and the caption still matters.
  for (auto& block : *pooled->blocks) {
    block->as<DitBlock>()->cross_attn->o->weight.zero_();
    block->as<DitBlock>()->cross_attn->o->bias.zero_();
  }
  const auto a = pooled->forward(in).video;
  auto other = in;
  other.context = torch::randn_like(in.context);
  EXPECT_FALSE(torch::allclose(a, pooled->forward(other).video, 1e-3, 1e-3));
}

// The scene description (guided mode's style and light) reaches the DiT through the modulation; it starts
// silent, and an undefined input is the same as the "no scene" flag.
TEST(Dit, SceneDescriptionStartsSilentAndUndefinedMeansNone) {
  auto c = testing::fixture_config();
  c.dit.scene_channels = 4;
  torch::manual_seed(0);
  Dit dit(c.dit, 0.5);
  torch::NoGradGuard no_grad;
  auto in = input_for(c, 1, 3, 12);
  const auto none = dit->forward(in).video;
  in.scene = scene_guide(torch::tensor({{1.0f, 0.0f, 0.5f}}), 1, 4);
  EXPECT_TRUE(torch::allclose(none, dit->forward(in).video, 1e-6, 1e-6));
  dit->scene_embedding->ptr<torch::nn::LinearImpl>(2)->weight.normal_(0.0, 0.5);
  const auto red = dit->forward(in).video;
  EXPECT_FALSE(torch::allclose(red, none, 1e-3, 1e-3));
  in.scene = scene_guide(torch::tensor({{0.0f, 1.0f, 0.9f}}), 1, 4);
  EXPECT_FALSE(torch::allclose(red, dit->forward(in).video, 1e-3, 1e-3));
  in.scene = scene_guide({}, 1, 4);
  const auto flagged = dit->forward(in).video;
  in.scene = torch::Tensor();
  EXPECT_TRUE(torch::allclose(flagged, dit->forward(in).video, 1e-6, 1e-6));
  // Dropped (keep = false) is "none" too.
  in.scene = scene_guide(torch::tensor({{1.0f, 0.0f, 0.5f}}), 1, 4, torch::tensor({false}));
  EXPECT_TRUE(torch::allclose(flagged, dit->forward(in).video, 1e-6, 1e-6));
}

}  // namespace
}  // namespace kinema::model

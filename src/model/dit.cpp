// The diffusion transformer (see dit.h for the design).
#include "model/dit.h"

#include <cmath>

#include "model/guidance.h"
#include "model/patches.h"

namespace kinema::model {
namespace nn = torch::nn;

AttentionImpl::AttentionImpl(int64_t dim, int64_t heads, bool qk_norm, double eps) : heads(heads) {
  q = register_module("q", nn::Linear(dim, dim));
  k = register_module("k", nn::Linear(dim, dim));
  v = register_module("v", nn::Linear(dim, dim));
  o = register_module("o", nn::Linear(dim, dim));
  if (qk_norm) {
    norm_q = register_module("norm_q", RMSNorm(dim, eps));
    norm_k = register_module("norm_k", RMSNorm(dim, eps));
  }
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& context,
                                     const torch::Tensor& context_mask, const torch::Tensor& cos,
                                     const torch::Tensor& sin) {
  const auto& source = context.defined() ? context : x;
  auto qx = q(x), kx = k(source), vx = v(source);
  if (norm_q) {
    qx = norm_q(qx);
    kx = norm_k(kx);
  }
  const int64_t b = x.size(0), n = x.size(1), l = source.size(1), c = x.size(2), d = c / heads;
  qx = qx.view({b, n, heads, d}).transpose(1, 2);
  kx = kx.view({b, l, heads, d}).transpose(1, 2);
  vx = vx.view({b, l, heads, d}).transpose(1, 2);
  if (!context.defined()) {
    qx = Rope3d::apply(qx, cos, sin);
    kx = Rope3d::apply(kx, cos, sin);
  }
  const auto out = attention(qx, kx, vx, context_mask);
  return o(out.transpose(1, 2).reshape({b, n, c}));
}

DitBlockImpl::DitBlockImpl(const DitConfig& c) {
  const auto ln = [&](bool affine) { return nn::LayerNorm(nn::LayerNormOptions({c.width}).eps(c.eps).elementwise_affine(affine)); };
  norm1 = register_module("norm1", ln(false));
  self_attn = register_module("self_attn", Attention(c.width, c.heads, c.qk_norm, c.eps));
  if (c.cross_attn_norm) norm3 = nn::AnyModule(register_module("norm3", ln(true)));
  else norm3 = nn::AnyModule(nn::Identity());
  cross_attn = register_module("cross_attn", Attention(c.width, c.heads, c.qk_norm, c.eps));
  norm2 = register_module("norm2", ln(false));
  ffn = register_module("ffn", nn::Sequential(nn::Linear(c.width, c.ffn_dim), nn::GELU(nn::GELUOptions().approximate("tanh")),
                                              nn::Linear(c.ffn_dim, c.width)));
  modulation = register_parameter("modulation", torch::randn({1, 6, c.width}) / std::sqrt(static_cast<double>(c.width)));
}

torch::Tensor DitBlockImpl::forward(const torch::Tensor& x_in, const torch::Tensor& e0, const torch::Tensor& context,
                                    const torch::Tensor& context_mask, const torch::Tensor& cos,
                                    const torch::Tensor& sin) {
  const auto e = (modulation + e0).chunk(6, 1);  // shift, scale, gate for attention; then for the MLP
  auto x = x_in;
  x = x + self_attn->forward(modulate(norm1(x), e[0], e[1]), {}, {}, cos, sin) * e[2];
  x = x + cross_attn->forward(norm3.forward(x), context, context_mask, {}, {});
  x = x + ffn->forward(modulate(norm2(x), e[3], e[4])) * e[5];
  return x;
}

DitHeadImpl::DitHeadImpl(int64_t dim, int64_t out_features, double eps) {
  norm = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(eps).elementwise_affine(false)));
  head = register_module("head", nn::Linear(dim, out_features));
  modulation = register_parameter("modulation", torch::randn({1, 2, dim}) / std::sqrt(static_cast<double>(dim)));
}

torch::Tensor DitHeadImpl::forward(const torch::Tensor& x, const torch::Tensor& e) {
  const auto m = (modulation + e.unsqueeze(1)).chunk(2, 1);  // shift, scale
  return head(modulate(norm(x), m[0], m[1]));
}

DitImpl::DitImpl(const DitConfig& c, double audio_token_period) : config(c), audio_token_period(audio_token_period) {
  const int64_t in = c.latent_channels + c.condition_channels + c.guide_channels;
  const std::vector<int64_t> patch(c.patch.begin(), c.patch.end());
  patch_embedding = register_module("patch_embedding", nn::Conv3d(nn::Conv3dOptions(in, c.width, patch).stride(patch)));
  text_embedding = register_module(
      "text_embedding", nn::Sequential(nn::Linear(c.text_dim, c.width), nn::GELU(nn::GELUOptions().approximate("tanh")),
                                       nn::Linear(c.width, c.width)));
  time_embedding = register_module("time_embedding",
                                   nn::Sequential(nn::Linear(c.freq_dim, c.width), nn::SiLU(), nn::Linear(c.width, c.width)));
  time_projection = register_module("time_projection", nn::Sequential(nn::SiLU(), nn::Linear(c.width, 6 * c.width)));
  // Paths into the timestep embedding start silent (adaLN-Zero): a network trained without them is unchanged.
  const auto silent_mlp = [&](const std::string& name, int64_t in) {
    auto mlp = register_module(name, nn::Sequential(nn::Linear(in, c.width), nn::SiLU(), nn::Linear(c.width, c.width)));
    torch::NoGradGuard no_grad;
    mlp->ptr<nn::LinearImpl>(2)->weight.zero_();
    mlp->ptr<nn::LinearImpl>(2)->bias.zero_();
    return mlp;
  };
  if (c.pooled_text) text_pool = silent_mlp("text_pool", c.text_dim);
  if (c.scene_channels > 0) scene_embedding = silent_mlp("scene_embedding", c.scene_channels);
  blocks = register_module("blocks", nn::ModuleList());
  for (int i = 0; i < c.depth; ++i) blocks->push_back(DitBlock(c));
  const int64_t patch_values = int64_t{c.patch[0]} * c.patch[1] * c.patch[2] * c.latent_channels;
  head = register_module("head", DitHead(c.width, patch_values, c.eps));
  if (c.audio_channels > 0) {
    const int64_t audio_in = int64_t{c.audio_channels + c.audio_guide_channels} * c.audio_patch;
    audio_embedding = register_module("audio_embedding", nn::Linear(audio_in, c.width));
    audio_head = register_module("audio_head", DitHead(c.width, int64_t{c.audio_channels} * c.audio_patch, c.eps));
  }
}

torch::Tensor DitImpl::audio_positions(int64_t tokens, std::array<int64_t, 3> video_grid) const {
  const auto options = torch::TensorOptions().dtype(torch::kFloat);
  const auto t = (torch::arange(tokens, options) + 0.5) * audio_token_period;
  const auto h = torch::full({tokens}, (video_grid[1] - 1) / 2.0, options);
  const auto w = torch::full({tokens}, (video_grid[2] - 1) / 2.0, options);
  return torch::stack({t, h, w}, 1);
}

DitOutput DitImpl::forward(const DitInput& in) {
  const auto dtype = patch_embedding->weight.scalar_type();
  const auto device = patch_embedding->weight.device();

  auto x = patch_embedding(in.video.to(dtype));  // [B, C, T', H', W']
  const std::array<int64_t, 3> grid{x.size(2), x.size(3), x.size(4)};
  x = x.flatten(2).transpose(1, 2);  // [B, Nv, C]
  const int64_t video_tokens = x.size(1);
  auto positions = grid_positions(grid[0], grid[1], grid[2]);
  if (audio_embedding && in.audio.defined()) {
    const auto a = audio_embedding(patchify_1d(in.audio.to(dtype), config.audio_patch));
    positions = torch::cat({positions, audio_positions(a.size(1), grid)}, 0);
    x = torch::cat({x, a}, 1);
  }
  auto [cos, sin] = Rope3d::tables(positions.to(device), config.rope_dims(), config.rope_theta);

  auto e = time_embedding->forward(sinusoidal_embedding(in.timestep.to(device) * 1000.0, config.freq_dim).to(dtype));
  const auto mask = in.context_mask.to(device);
  if (text_pool) {
    const auto m = mask.unsqueeze(-1).to(dtype);
    e = e + text_pool->forward((in.context.to(dtype) * m).sum(1) / m.sum(1).clamp_min(1.0));
  }
  if (scene_embedding) {
    const auto scene = in.scene.defined() ? in.scene : scene_guide({}, e.size(0), config.scene_channels);
    e = e + scene_embedding->forward(scene.to(device).to(dtype));
  }
  const auto e0 = time_projection->forward(e).unflatten(1, {6, config.width});
  const auto context = text_embedding->forward(in.context.to(dtype));

  for (const auto& block : *blocks) x = block->as<DitBlock>()->forward(x, e0, context, mask, cos, sin);

  DitOutput out;
  const auto video = head(x.narrow(1, 0, video_tokens), e);
  out.video = unpatchify(video, config.patch, grid, config.latent_channels);
  if (audio_embedding && in.audio.defined()) {
    const auto audio = audio_head(x.narrow(1, video_tokens, x.size(1) - video_tokens), e);
    out.audio = unpatchify_1d(audio, config.audio_patch, config.audio_channels);
  }
  return out;
}

}  // namespace kinema::model

// The video autoencoder (see vae.h for the design).
#include "model/vae.h"

#include "core/error.h"
#include "model/guidance.h"
#include "model/weights.h"

namespace kinema::model {
namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace {

nn::Conv2d conv2d(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2));
}

nn::Conv3d pointwise3d(int64_t in, int64_t out) { return nn::Conv3d(nn::Conv3dOptions(in, out, 1)); }

// Pads the front of the time axis with copies of the first frame: [B, C, T, H, W] -> [B, C, T + n, H, W].
torch::Tensor pad_front(const torch::Tensor& x, int64_t n) {
  if (n == 0) return x;
  return torch::cat({x.narrow(2, 0, 1).expand({-1, -1, n, -1, -1}), x}, 2);
}

// [B, C, T, H, W] <-> [B * T, C, H, W]
torch::Tensor fold_frames(const torch::Tensor& x) {
  return x.transpose(1, 2).reshape({x.size(0) * x.size(2), x.size(1), x.size(3), x.size(4)});
}
torch::Tensor unfold_frames(const torch::Tensor& x, int64_t batch) {
  return x.reshape({batch, x.size(0) / batch, x.size(1), x.size(2), x.size(3)}).transpose(1, 2);
}

// vae.grid_cell: each cell x cell block of each picture of rgb ([B, 3, F, H, W], blocks from the top left; the
// last row and column of cells may be cut short) mixed towards its mean colour by `open` ([B], 0 or 1).
torch::Tensor onto_grid(const torch::Tensor& rgb, const torch::Tensor& open, int64_t cell) {
  const int64_t b = rgb.size(0), h = rgb.size(3), w = rgb.size(4);
  auto mean = torch::avg_pool2d(fold_frames(rgb), {cell, cell}, {cell, cell}, {0, 0}, /*ceil_mode=*/true);
  mean = mean.repeat_interleave(cell, 2).repeat_interleave(cell, 3).narrow(2, 0, h).narrow(3, 0, w);
  return rgb + open.view({b, 1, 1, 1, 1}) * (unfold_frames(mean, b) - rgb);
}

// Runs a per-frame 2D network over [B, C, T, H, W] a few frames at a time, bounding peak memory.
template <typename Fn>
torch::Tensor per_frame(const torch::Tensor& x, Fn&& fn) {
  constexpr int64_t kChunk = 8;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < x.size(2); start += kChunk) {
    const auto chunk = x.narrow(2, start, std::min(kChunk, x.size(2) - start));
    const auto folded = fold_frames(chunk).contiguous(at::MemoryFormat::ChannelsLast);
    parts.push_back(unfold_frames(fn(folded).contiguous(), x.size(0)));
  }
  return parts.size() == 1 ? parts[0] : torch::cat(parts, 2);
}

}  // namespace

ResBlock2dImpl::ResBlock2dImpl(int64_t channels, double eps) {
  norm1 = register_module("norm1", ChannelNorm(channels, eps));
  conv1 = register_module("conv1", conv2d(channels, channels, 3));
  norm2 = register_module("norm2", ChannelNorm(channels, eps));
  conv2 = register_module("conv2", conv2d(channels, channels, 3));
}

torch::Tensor ResBlock2dImpl::forward(const torch::Tensor& x) {
  auto h = conv1(torch::silu(norm1(x)));
  h = conv2(torch::silu(norm2(h)));
  return x + h;
}

CausalResBlock3dImpl::CausalResBlock3dImpl(int64_t channels, double eps) {
  norm1 = register_module("norm1", ChannelNorm(channels, eps));
  spatial = register_module("spatial", conv2d(channels, channels, 3));
  norm2 = register_module("norm2", ChannelNorm(channels, eps));
  temporal = register_module("temporal", nn::Linear(3 * channels, channels));
}

torch::Tensor CausalResBlock3dImpl::forward(const torch::Tensor& x) {
  auto h = per_frame(torch::silu(norm1(x)), [&](const torch::Tensor& f) { return spatial(f); });
  h = torch::silu(norm2(h));
  const int64_t t = h.size(2);
  const auto padded = pad_front(h, 2);  // frames -2, -1 repeat the first one
  const auto taps = torch::cat({padded.narrow(2, 0, t), padded.narrow(2, 1, t), h}, 1);  // [B, 3C, T, H, W]
  h = temporal(taps.permute({0, 2, 3, 4, 1})).permute({0, 4, 1, 2, 3});
  return x + h;
}

VideoVaeImpl::VideoVaeImpl(const VaeConfig& c) : config(c) {
  const auto& ch = c.channels;
  const int64_t levels = static_cast<int64_t>(ch.size()) - 1;
  const int64_t deep = ch.back();
  const int64_t r = c.temporal_downsample;

  encoder_in = register_module("encoder_in", conv2d(3, ch[0], 3));
  encoder_down = register_module("encoder_down", nn::ModuleList());
  for (int64_t i = 0; i < levels; ++i) {
    nn::Sequential level;
    for (int j = 0; j < c.res_blocks; ++j) level->push_back(ResBlock2d(ch[i], c.eps));
    level->push_back(conv2d(ch[i], ch[i + 1], 3, 2));
    encoder_down->push_back(level);
  }
  encoder_mid = register_module("encoder_mid", nn::Sequential());
  for (int j = 0; j < c.res_blocks; ++j) encoder_mid->push_back(ResBlock2d(deep, c.eps));
  encoder_time = register_module("encoder_time", pointwise3d(deep * r, deep));
  encoder_temporal = register_module("encoder_temporal", nn::Sequential());
  for (int j = 0; j < c.temporal_res_blocks; ++j) encoder_temporal->push_back(CausalResBlock3d(deep, c.eps));
  encoder_norm = register_module("encoder_norm", ChannelNorm(deep, c.eps));
  encoder_out = register_module("encoder_out", pointwise3d(deep, 2 * c.latent_channels));

  decoder_in = register_module("decoder_in", pointwise3d(c.latent_channels, deep));
  decoder_temporal = register_module("decoder_temporal", nn::Sequential());
  for (int j = 0; j < c.temporal_res_blocks; ++j) decoder_temporal->push_back(CausalResBlock3d(deep, c.eps));
  decoder_time = register_module("decoder_time", pointwise3d(deep, deep * r));
  decoder_mid = register_module("decoder_mid", nn::Sequential());
  for (int j = 0; j < c.res_blocks; ++j) decoder_mid->push_back(ResBlock2d(deep, c.eps));
  decoder_up = register_module("decoder_up", nn::ModuleList());
  for (int64_t i = levels - 1; i >= 0; --i) {
    nn::Sequential level;
    level->push_back(nn::Upsample(nn::UpsampleOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest)));
    level->push_back(conv2d(ch[i + 1] + c.guide_channels, ch[i], 3));
    for (int j = 0; j < c.res_blocks; ++j) level->push_back(ResBlock2d(ch[i], c.eps));
    decoder_up->push_back(level);
  }
  decoder_norm = register_module("decoder_norm", ChannelNorm(ch[0], c.eps));
  decoder_out = register_module("decoder_out", conv2d(ch[0] + c.guide_channels, 3, 3));
  if (c.latent_guide) {  // registered last so that the other modules draw the same initial weights as without it
    const int64_t s = c.spatial_downsample;
    decoder_guide = register_module("decoder_guide", conv2d(c.guide_channels * s * s, deep, 3));
    torch::NoGradGuard no_grad;
    decoder_guide->weight.zero_();
    decoder_guide->bias.zero_();
  }
  if (c.scene_channels > 0) {
    decoder_scene = register_module("decoder_scene", nn::Linear(c.scene_channels, deep));
    torch::NoGradGuard no_grad;
    decoder_scene->weight.zero_();
    decoder_scene->bias.zero_();
  }

  latent_mean = register_buffer("latent_mean", torch::zeros({c.latent_channels}));
  latent_std = register_buffer("latent_std", torch::ones({c.latent_channels}));
}

LatentDistribution VideoVaeImpl::encode(const torch::Tensor& frames) {
  const int64_t batch = frames.size(0);
  const int64_t r = config.temporal_downsample;
  auto x = per_frame(frames.to(encoder_in->weight.scalar_type()), [&](torch::Tensor f) {
    f = encoder_in(f);
    for (const auto& level : *encoder_down) f = level->as<nn::Sequential>()->forward(f);
    return encoder_mid->is_empty() ? f : encoder_mid->forward(f);
  });
  x = pad_front(x, r - 1);  // [B, C, r (1 + k), h, w]
  const int64_t c = x.size(1), t = x.size(2) / r, h = x.size(3), w = x.size(4);
  x = x.reshape({batch, c, t, r, h, w}).permute({0, 1, 3, 2, 4, 5}).reshape({batch, c * r, t, h, w});
  x = encoder_time(x);
  if (!encoder_temporal->is_empty()) x = encoder_temporal->forward(x);
  const auto moments = encoder_out(torch::silu(encoder_norm(x))).chunk(2, 1);
  return {moments[0], moments[1].clamp(-30.0, 20.0)};
}

torch::Tensor VideoVaeImpl::decode(const torch::Tensor& z, const torch::Tensor& layout, const torch::Tensor& keep,
                                   const torch::Tensor& scene) {
  const int64_t batch = z.size(0);
  const int64_t r = config.temporal_downsample;
  const auto dtype = decoder_in->weight.scalar_type();
  auto x = decoder_in(z.to(dtype));
  if (!decoder_temporal->is_empty()) x = decoder_temporal->forward(x);
  x = decoder_time(x);
  const int64_t c = x.size(1) / r, t = x.size(2), h = x.size(3), w = x.size(4);
  x = x.reshape({batch, c, r, t, h, w}).permute({0, 1, 3, 2, 4, 5}).reshape({batch, c, t * r, h, w});
  x = x.narrow(2, r - 1, x.size(2) - (r - 1));  // drop the padding frames before the first one
  const int64_t frames = x.size(2), s = config.spatial_downsample;
  const int64_t g = config.guide_channels;
  if (g > 0) {
    // The guide travels with the features through per_frame as s x s blocks folded into channels.
    auto guide = torch::zeros({batch, g, frames, h * s, w * s}, x.options());
    if (layout.defined()) {
      if (layout.size(0) != batch || layout.size(1) != g - 1 || layout.size(2) != frames || layout.size(3) != h * s ||
          layout.size(4) != w * s)
        fail(ErrorKind::internal, "vae: the layout does not match the frames being decoded");
      auto k = keep.defined() ? keep.to(x.device()).to(dtype) : torch::ones({batch}, x.options());
      k = k.view({batch, 1, 1, 1, 1});
      guide.narrow(1, 0, g - 1).copy_(layout.to(x.options()) * k);
      guide.narrow(1, g - 1, 1).copy_((1.0 - k).expand({batch, 1, frames, h * s, w * s}));
    } else {
      guide.narrow(1, g - 1, 1).fill_(1.0);
    }
    const auto folded = torch::pixel_unshuffle(fold_frames(guide), s);  // [B F, g s s, h, w]
    x = torch::cat({x, unfold_frames(folded, batch)}, 1);
  }
  // The scene: a bias of the latent-grid features, and whether the picture is drawn on pixel art's grid.
  torch::Tensor open;
  if (decoder_scene) {
    if (scene.defined() && (scene.size(0) != batch || scene.size(1) != config.scene_channels - 1))
      fail(ErrorKind::internal, "vae: the scene features do not match vae.scene_channels");
    const auto k = keep.defined() ? keep.to(torch::kCPU) : torch::Tensor{};
    const auto input = scene_guide(scene.defined() ? scene.to(torch::kCPU, torch::kFloat) : torch::Tensor{}, batch,
                                   config.scene_channels, k);
    const auto bias = decoder_scene(input.to(x.device(), dtype));  // [B, c]
    x = torch::cat({x.narrow(1, 0, c) + bias.view({batch, c, 1, 1, 1}), x.narrow(1, c, x.size(1) - c)}, 1);
    // A batch with no pixel art skips the grid (open all 0 leaves the picture as it is).
    const auto grid = config.grid_cell > 1 ? input.select(1, config.grid_feature) : torch::Tensor{};
    if (grid.defined() && grid.ne(0).any().item<bool>()) open = grid.to(x.device(), dtype);
  }
  const torch::Tensor rgb = per_frame(x, [&](torch::Tensor f) {
    torch::Tensor guide;
    if (g > 0) {
      const auto folded = f.narrow(1, c, g * s * s);
      guide = torch::pixel_shuffle(folded, s);  // [n, g, H, W]
      f = f.narrow(1, 0, c);
      if (decoder_guide) f = f + decoder_guide(folded);
    }
    const auto with_guide = [&](const torch::Tensor& features) {
      if (!guide.defined()) return features;
      const auto pooled = torch::adaptive_avg_pool2d(guide, {features.size(2), features.size(3)});
      return torch::cat({features, pooled}, 1).contiguous(at::MemoryFormat::ChannelsLast);
    };
    if (!decoder_mid->is_empty()) f = decoder_mid->forward(f);
    for (const auto& level : *decoder_up) {
      int index = 0;
      for (auto& module : *level->as<nn::Sequential>()) {
        if (index++ == 1) f = with_guide(f);  // before the convolution that follows the upsampling
        f = module.forward(f);
      }
    }
    return decoder_out(with_guide(torch::silu(decoder_norm(f))));
  });
  return open.defined() ? onto_grid(rgb, open, config.grid_cell) : rgb;
}

torch::Tensor VideoVaeImpl::normalize(const torch::Tensor& z) const {
  return (z - latent_mean.view({1, -1, 1, 1, 1})) / latent_std.view({1, -1, 1, 1, 1});
}

torch::Tensor VideoVaeImpl::denormalize(const torch::Tensor& z) const {
  return z * latent_std.view({1, -1, 1, 1, 1}) + latent_mean.view({1, -1, 1, 1, 1});
}

bool added_by_decoder_fine_tune(const std::string& name) {
  for (const char* module : {"decoder_guide.", "decoder_scene."})
    if (name.rfind(module, 0) == 0) return true;
  return false;
}

void load_video_autoencoder(VideoVaeImpl& vae, const std::map<std::string, torch::Tensor>& weights) {
  torch::NoGradGuard no_grad;
  for (auto [name, t] : state_of(vae)) {
    const auto it = weights.find(name);
    if (it != weights.end()) t.copy_(it->second);
    else if (!added_by_decoder_fine_tune(name)) fail(ErrorKind::model, "the video autoencoder's weights lack '" + name + "'");
  }
}

}  // namespace kinema::model

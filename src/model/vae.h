// The video autoencoder: RGB frames <-> spatiotemporal latents. Spatial work runs as conv2d with frames
// folded into the batch, in channels-last layout (a Conv3d with a (1,3,3) kernel hits a slow path in
// libtorch's CPU kernels, and channels-last conv2d ran 1.5-2x faster than the default layout here);
// time is compressed by folding r frames into channels after padding the front with r - 1 copies of the
// first frame, and mixed by causal 3x3x3 convolutions. So the first frame is encoded on its own and a
// still image is a valid one-frame video, as in modern video VAEs; F = 1 + r k frames give 1 + k latents.
//
// A guided decoder (vae.guide_channels = 4) also reads the world's layout render, frame by frame at full
// resolution: flat colours per thing, floor and sky (world/labels.h) and a flag channel that is 1 when there
// is no layout (free mode; trained with layout dropout). Each upsampling level and the output convolution see
// the layout pooled to their resolution, the way ControlNet-style decoders take segmentation maps: the
// simulator says where the edges of things are and which colour they are, the network renders the rest
// (style, light, shading, texture). Without it, the 4x temporal compression smears fast small things and
// mixes their colours with the sky (measured with tests/train/autoencoder_ceiling_main.cpp).
//
// With vae.latent_guide the layout also enters at the latent grid, before the middle block: each s x s block
// of it folded into channels (so nothing is pooled away) through one convolution added to the features.
// Otherwise the layout meets the features only at half and full resolution, where few channels and layers
// follow it, and the decoder alone drew fast things up to 1.6 px behind in a latent frame's last picture;
// at the latent grid the widest features and the middle block see it (kinema-tiny's fine-tuned decoder:
// docs/MODEL.md, "Fast motion stutters"). The convolution starts at zero, so an autoencoder trained without
// it decodes the same until its decoder is fine-tuned (training.decoder), and the encoder, the latents and
// the DiT trained on them stay valid.
//
// With vae.scene_channels the decoder also reads the scene description the DiT reads (the style and light the
// world's parser gave the prompt; model/guidance.h): a linear map, from zero, to a bias of the latent-grid
// features. The latents a DiT leaves do not say clearly enough which style a picture is in for the decoder
// to draw, say, pixel art's grid from them alone.
//
// With vae.grid_cell (which needs the scene) the decoder draws pixel art's grid: the world draws pixel art on
// a coarse grid fixed to the picture (cells of grid_cell pixels from its top left), which a convolutional
// decoder cannot place, since it has no absolute position and the grid's period (3 pixels at 128 x 128) is
// not a multiple of its upsampling. Each cell's pixels are mixed towards the cell's mean colour by the scene's
// feature vae.grid_feature (pixel art's style): 1 draws the grid, 0 (any other style, free mode, a dropped
// scene) leaves the picture as the network drew it. Which style the world draws on a grid is a fact of its
// renderer, not something to learn: a gate learned from the scene description opened 12-30% for cartoon and
// realistic clips, which then looked like pixel art (docs/MODEL.md, "Pixel art's grid").
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>

#include "model/config.h"
#include "model/layers.h"

namespace kinema::model {

struct ResBlock2dImpl : torch::nn::Module {
  ResBlock2dImpl(int64_t channels, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  ChannelNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
};
TORCH_MODULE(ResBlock2d);

// Residual block that mixes space then time: a 3x3 convolution in each frame, then a causal 3-tap
// convolution over time (the current and two earlier frames), written as one matrix product over the
// three shifted copies: libtorch's Conv3d is slow for small channel counts on the CPU.
struct CausalResBlock3dImpl : torch::nn::Module {
  CausalResBlock3dImpl(int64_t channels, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  ChannelNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::Conv2d spatial{nullptr};
  torch::nn::Linear temporal{nullptr};  // [3 C -> C]: weights for frames t - 2, t - 1, t
};
TORCH_MODULE(CausalResBlock3d);

struct LatentDistribution {
  torch::Tensor mean;    // [B, C, T, h, w]
  torch::Tensor logvar;  // same shape
};

struct VideoVaeImpl : torch::nn::Module {
  explicit VideoVaeImpl(const VaeConfig& config);

  // frames: [B, 3, F, H, W] in [-1, 1], F = 1 + r k. Returns the raw (unnormalised) latent distribution.
  LatentDistribution encode(const torch::Tensor& frames);
  // z: [B, C, T, h, w] raw latents -> [B, 3, 1 + r (T - 1), H, W], roughly in [-1, 1]. A guided decoder
  // reads `layout` ([B, 3, F, H, W] in [-1, 1], the frames it decodes) where `keep` ([B] bool) is true or
  // undefined; undefined layout: free mode. Others ignore both.
  // A decoder with vae.scene_channels also reads the scene's features ([B, scene_channels - 1], as the DiT's;
  // dropped with the layout where keep is false; undefined: none, as in free mode).
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& layout = {}, const torch::Tensor& keep = {},
                       const torch::Tensor& scene = {});

  // The DiT works on latents normalised per channel with statistics measured on training data.
  torch::Tensor normalize(const torch::Tensor& z) const;
  torch::Tensor denormalize(const torch::Tensor& z) const;

  VaeConfig config;
  torch::nn::Conv2d encoder_in{nullptr};
  torch::nn::ModuleList encoder_down{nullptr};  // per level: res blocks then a stride-2 conv
  torch::nn::Sequential encoder_mid{nullptr};
  torch::nn::Conv3d encoder_time{nullptr};
  torch::nn::Sequential encoder_temporal{nullptr};
  ChannelNorm encoder_norm{nullptr};
  torch::nn::Conv3d encoder_out{nullptr};

  torch::nn::Conv3d decoder_in{nullptr};
  torch::nn::Sequential decoder_temporal{nullptr};
  torch::nn::Conv3d decoder_time{nullptr};
  torch::nn::Sequential decoder_mid{nullptr};
  torch::nn::ModuleList decoder_up{nullptr};  // per level, coarse to fine: upsample conv then res blocks
  ChannelNorm decoder_norm{nullptr};
  torch::nn::Conv2d decoder_out{nullptr};
  torch::nn::Conv2d decoder_guide{nullptr};  // vae.latent_guide: folded layout -> features before the middle block
  torch::nn::Linear decoder_scene{nullptr};  // vae.scene_channels: scene -> latent-grid feature bias

  torch::Tensor latent_mean, latent_std;  // buffers, [C]
};
TORCH_MODULE(VideoVae);

// Whether a module (named within the autoencoder: "decoder_guide.weight") is one that a decoder fine-tune
// adds (the latent-grid guide, the scene's map): weights trained before may lack it.
bool added_by_decoder_fine_tune(const std::string& name);

// Weights into a video autoencoder, every tensor required, except the modules a decoder fine-tune adds: they
// keep their starting values (at zero), so the decoder decodes as before.
void load_video_autoencoder(VideoVaeImpl& vae, const std::map<std::string, torch::Tensor>& weights);

}  // namespace kinema::model

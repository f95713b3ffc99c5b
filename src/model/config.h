// model.json parsed once into plain structs: every hyper-parameter of every component and the clip format.
// Torch-free, so the CLI's `info`, the studio and the trainer can read a model folder's config cheaply.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "core/json.h"

namespace kinema::model {

// What the model makes: frames must be 1 + vae.temporal_downsample * k (a causal video VAE's lengths).
struct ClipFormat {
  int width = 0;
  int height = 0;
  int fps = 0;
  int frames = 0;      // default length
  int max_frames = 0;  // longest clip the model is meant to make
  int audio_sample_rate = 0;
};

struct TextEncoderConfig {
  int vocab_size = 0;
  int width = 0;
  int depth = 0;
  int heads = 0;
  int ffn_dim = 0;
  int max_tokens = 0;
  double eps = 1e-6;
};

struct VaeConfig {
  int latent_channels = 0;
  std::vector<int> channels;   // per spatial level, from full resolution down; size = log2(spatial) + 1
  int spatial_downsample = 0;  // power of two
  int temporal_downsample = 0;
  int res_blocks = 1;           // 2D residual blocks per spatial level
  int temporal_res_blocks = 1;  // causal 3D residual blocks at the latent resolution
  // 0, or 4: the decoder also reads the world's layout render at full resolution (3 colour channels + a flag
  // that is 1 when there is none), so that in guided mode edges and colours of things come from the
  // simulator's label maps while the latents carry style, light and texture (see vae.h).
  int guide_channels = 0;
  // A guided decoder can also read the layout at the latent grid (each s x s block folded into channels)
  // before its middle block, where a few convolutions reach far enough to draw a fast thing where the
  // simulator has it in each frame rather than where its latent frame left it (see vae.h).
  bool latent_guide = false;
  // 0, or the scene description's features + 1 flag (as dit.scene_channels): the decoder also reads the style
  // and light the world's parser gave the scene, as a bias of its latent-grid features (see vae.h).
  int scene_channels = 0;
  // Pixel art's grid: > 1 (with scene_channels), the decoder draws its output as flat cells of grid_cell x
  // grid_cell pixels from the picture's top left, as the world draws pixel art, where the scene's feature
  // grid_feature (pixel art's style) is set (see vae.h); 0: no grid.
  int grid_cell = 0;
  int grid_feature = -1;
  double eps = 1e-6;
};

// The audio branch: a log-mel front end, a 1-D conv autoencoder over mel frames, a Griffin-Lim vocoder.
struct AudioConfig {
  int n_fft = 0;
  int hop = 0;  // samples per mel frame
  int n_mels = 0;
  double f_min = 0.0;
  double f_max = 0.0;
  double log_mel_mean = 0.0;  // normalisation of log-mel values before the autoencoder
  double log_mel_std = 1.0;
  int latent_channels = 0;
  int hidden = 0;
  int downsample = 1;  // mel frames per audio latent frame
  int res_blocks = 1;
  int griffin_lim_iterations = 32;
  // The vocoder's starting phase before Griffin-Lim: "gradient" (from the magnitude's slopes, sharp attacks)
  // or "random".
  std::string phase = "gradient";
  bool sharpen_attacks = true;  // hold the inverse STFT's swell before a sharp rise of the mel down (vocoder.cpp)
  double eps = 1e-6;
};

struct DitConfig {
  int latent_channels = 0;      // channels of the video latent it denoises (= vae.latent_channels)
  int condition_channels = 0;   // extra inputs for conditioning frames (mask + latent), 0 if none
  int guide_channels = 0;       // extra inputs for layout guidance from the world, 0 if none
  std::array<int, 3> patch{};   // t, h, w
  int width = 0;
  int depth = 0;
  int heads = 0;
  int ffn_dim = 0;
  int freq_dim = 256;           // sinusoidal timestep embedding size
  int text_dim = 0;             // width of the text features it reads (= text_encoder.width)
  bool qk_norm = true;
  bool cross_attn_norm = true;
  double eps = 1e-6;
  double rope_theta = 10000.0;
  int audio_channels = 0;        // audio latent channels it denoises jointly (0: no audio stream)
  int audio_guide_channels = 0;  // extra audio inputs for sound events from the world, 0 if none
  int audio_patch = 1;           // audio latent frames per token
  bool pooled_text = false;      // the caption's mean feature joins the timestep embedding (adaLN), see dit.h
  int scene_channels = 0;        // guided mode's scene description (style, light) + 1 flag, into adaLN; 0 if none

  int head_dim() const { return width / heads; }
  // RoPE split of the head dimension over (t, h, w), as Wan2.1 does: d - 4*(d/6), 2*(d/6), 2*(d/6).
  std::array<int, 3> rope_dims() const;
};

struct SamplerDefaults {
  int steps = 20;
  double guidance = 1.0;
  // Guided mode: guidance on the world's guide (each step also runs without it; 1: none, one pass), and the
  // steps it takes by default (0: `steps`), so that it can cost what a free clip does.
  double layout_guidance = 1.0;
  int guided_steps = 0;
  double shift = 1.0;
  std::string solver = "euler";
};

struct ModelConfig {
  std::string name;
  std::string version;
  ClipFormat clip;
  TextEncoderConfig text;
  VaeConfig vae;
  AudioConfig audio;
  DitConfig dit;
  SamplerDefaults sampler;

  bool has_audio() const { return dit.audio_channels > 0; }
  int latent_height() const { return clip.height / vae.spatial_downsample; }
  int latent_width() const { return clip.width / vae.spatial_downsample; }
  // Latent frames for a clip of `frames` video frames (causal VAE: first frame alone).
  int latent_frames(int frames) const { return 1 + (frames - 1) / vae.temporal_downsample; }
  // The closest length the model can make to `seconds`, in video frames (>= 1).
  int frames_for_seconds(double seconds) const;

  // Parses and validates; errors name the file and the key ("model.json: dit.heads: ...").
  static ModelConfig parse(const Json& json, const std::string& where);
  static ModelConfig load(const std::filesystem::path& model_json);
  Json to_json() const;
};

}  // namespace kinema::model

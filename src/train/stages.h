// What one training step of each stage computes: the video autoencoder (reconstruction with fast motion
// weighted, an edge term, a small KL), the audio autoencoder (log-mel reconstruction, small KL), and the
// diffusion transformer with the text encoder (flow matching on latents, with caption, guidance and
// conditioning-frame dropout).
#pragma once

#include <torch/torch.h>

#include "model/kinema_model.h"
#include "model/vocoder.h"
#include "text/tokenizer.h"
#include "train/loop.h"

namespace kinema::train {

struct VaeStageOptions {
  int crop_frames = 9;         // 1 + r k frames per training crop
  int crop_size = 64;          // square spatial crop (fully convolutional, so crops train the whole clip)
  double motion_weight = 10.0; // extra weight on pixels that differ from the clip's temporal median
  double edge_weight = 0.5;    // L1 between spatial gradients of input and reconstruction
  double kl_weight = 1e-6;
  double guide_dropout = 0.3;  // a guided decoder: share of samples decoded without the layout (free mode)
  // Only the decoder learns: the encoder's weights and the latent statistics stay as they are, so latents cached
  // for the DiT and the DiT itself stay valid. vae_step freezes the encoder's parameters when it is made.
  bool decoder_only = false;
  // decoder_only: noise added to the encoder's latents, per sample a level drawn up to this share of each
  // channel's spread, so the decoder meets latents as a DiT leaves them and must read more from the layout.
  double latent_noise = 0.0;
  // decoder_only, where the layout is given: the latent cells of things that move (the layout's pixels that
  // differ from the crop's temporal median, each cell's 4 x 4 pixels over its frames, grown by one cell) get
  // noise up to this share of each channel's spread, and half the time the previous latent frame's latents
  // mixed in, as a DiT leaves fast things smeared over time; the decoder learns to draw them where and as the
  // layout has them in each picture (see moving_cells).
  double thing_noise = 0.0;
  // thing_noise also on the cells of things that stand still (thing_pixels, pooled and grown as moving_cells):
  // a DiT leaves small things blurred even when they do not move.
  bool still_things = false;
  // The same cells (moving ones; with still_things every thing's) also take, per sample, up to this share of the
  // 3 x 3 average of the latents around them: a DiT leaves small things' latents spatially blurred, and a
  // decoder that met only noise draws a blurred box as a round blob.
  double thing_blur = 0.0;
  // The same cells also move, per sample, a share drawn uniformly up to this (at most all the way) towards the
  // latents around them with the thing left out (the mean of the cells without a thing within 3 cells; where
  // there are none, they stay): a DiT leaves a small thing's latents faint or as clean-looking background, and a
  // decoder that met only noisy or blurred things trusts them and draws the thing faint. 2: half the samples
  // lose the thing wholly, the rest in part. Noise (thing_noise) still comes on top.
  double thing_erase = 0.0;
};

// The latent cells ([B, 1, T, h, w], 0 or 1) of pixels ([B, 1, F, H, W], 0 or 1, F = 1 + r k): pooled over each
// latent cell's r frames and s x s pixels (the first latent frame is the first picture alone), grown by one
// cell on every side.
torch::Tensor latent_cells(const torch::Tensor& pixels, int64_t r, int64_t s);
// The latent cells where a layout ([B, 3, F, H, W]) has something that moves: pixels that differ from the
// layout's temporal median.
torch::Tensor moving_cells(const torch::Tensor& layout, int64_t r, int64_t s);
// The pixels ([B, 1, F, H, W], 0 or 1) where a layout ([B, 3, F, H, W]) has a thing: those that differ from
// their row's median colour in the same picture by more than 0.1 in a channel.
torch::Tensor thing_pixels(const torch::Tensor& layout);
// VaeStageOptions::thing_noise, thing_blur and thing_erase: raw latents z ([B, C, T, h, w]) with the cells of moving things
// (with still_things, of every thing) smeared as a DiT leaves them, in the samples whose layout is kept.
torch::Tensor smear_things(const torch::Tensor& z, const torch::Tensor& layout, const torch::Tensor& keep,
                           const model::VideoVaeImpl& vae, const VaeStageOptions& o, torch::Generator& g);
std::vector<std::string> vae_loss_parts();
StepFn vae_step(model::VideoVae vae, VaeStageOptions options);

struct AudioStageOptions {
  double kl_weight = 1e-6;
};
std::vector<std::string> audio_loss_parts();
StepFn audio_step(model::AudioAutoencoder ae, const model::MelVocoder& vocoder, AudioStageOptions options);

struct DitStageOptions {
  double caption_dropout = 0.1;    // empty prompt, for classifier-free guidance
  double guide_dropout = 0.2;      // no layout or events: free mode
  double condition_rate = 0.3;     // hold the first latent frames (shot continuation, image-to-video)
  double audio_weight = 1.0;
  // Training noise levels: t from a logit-normal, shifted toward the noisy end as the sampler's timesteps are,
  // t' = s t / (1 + (s - 1) t). The first sampling steps, near t = 1, decide the whole picture's look (sky,
  // style, light); unshifted, only 1.4% of training samples lie above t = 0.9.
  double timestep_shift = 1.0;
  // Share of samples at t uniform in [0.99, 1) instead: at t = 1 the look (sky, style, light) must come from
  // the prompt, the scene or the held frames, yet even a shift of 5 puts only 0.14% of samples above 0.99.
  double pure_noise_share = 0.0;
  // Weight of a second video term: the squared error of the clean latents the DiT implies (x_t - t v) averaged
  // over each 4 x 4 latent block of each latent frame. Random errors mostly cancel in a block's mean, so this
  // weighs what is wrong across a whole region (the sky's colour and gradient, the floor's, a style's palette)
  // and, through the factor t, most at the noisy end where that look is decided. 0: the plain flow loss.
  double look_weight = 0.0;
};
// The look term above for predicted velocities `v` against `target` at noise levels `t` ([B]).
torch::Tensor look_loss(const torch::Tensor& v, const torch::Tensor& target, const torch::Tensor& t);
// `count` training noise levels in (0, 1) from `g` (see DitStageOptions::timestep_shift and pure_noise_share).
// With a share of 0 it draws from `g` exactly as it did before the share existed, so older runs resume alike.
torch::Tensor training_timesteps(int64_t count, double shift, torch::Generator& g, double pure_noise_share = 0.0);
// One sample as the DiT trains on it, no batch dimension (the latent cache holds these). layout, audio and
// events may be undefined.
struct Encoded {
  torch::Tensor video;   // [C, t, h, w] normalised latents
  torch::Tensor layout;  // [3, F, h, w] the layout render averaged over each latent pixel, in [-1, 1]
  torch::Tensor audio;   // [Ca, T] normalised audio latents
  torch::Tensor events;  // [E, T] sound-event channels on the audio latent grid
  torch::Tensor scene;   // [S] scene features (style, light), or undefined
};
// A batch of them: clips encoded by the frozen autoencoders, or cached encodings stacked.
struct EncodedBatch {
  torch::Tensor video, layout, audio, events, scene;
};
EncodedBatch encode_batch(model::KinemaModel model, const std::vector<Sample>& batch, const model::MelVocoder* vocoder);

std::vector<std::string> dit_loss_parts();
// Trains model->dit and model->text_encoder; the autoencoders are frozen and only encode.
StepFn dit_step(model::KinemaModel model, const text::Tokenizer& tokenizer, const model::MelVocoder* vocoder,
                DitStageOptions options);

// Per-channel mean and standard deviation of the autoencoders' latents over samples, written into their
// latent_mean/latent_std buffers so the DiT sees unit-scale latents.
void measure_video_latent_stats(model::VideoVae vae, const std::vector<Sample>& samples);
void measure_audio_latent_stats(model::AudioAutoencoder ae, const model::MelVocoder& vocoder,
                                const std::vector<Sample>& samples);

// Mean and standard deviation of log-mel values (before normalisation) over the samples' sound.
std::pair<double, double> measure_log_mel(const model::AudioConfig& config, int sample_rate,
                                          const std::vector<Sample>& samples);

// The clip's sound as a mono tensor [1, samples], padded with silence to `length` samples.
torch::Tensor audio_tensor(const media::Clip& clip, int64_t length);

}  // namespace kinema::train

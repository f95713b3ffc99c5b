// One training step of each stage.
#include "train/stages.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "model/guidance.h"
#include "text/text_encoder.h"

namespace kinema::train {
namespace {

// A uniform integer in [0, n) from the trainer's generator (so resumed runs draw the same numbers).
int64_t draw(torch::Generator& g, int64_t n) { return torch::randint(n, {1}, g, torch::kLong).item<int64_t>(); }
double uniform(torch::Generator& g) { return torch::rand({1}, g).item<double>(); }

torch::Tensor kl_term(const model::LatentDistribution& d) {
  return 0.5 * (d.mean.pow(2) + d.logvar.exp() - 1.0 - d.logvar).mean();
}

// Noise is drawn on the CPU from the trainer's generator (the same numbers on every device), then moved.
torch::Tensor sample_latent(const model::LatentDistribution& d, torch::Generator& g) {
  return d.mean + torch::exp(0.5 * d.logvar) * torch::randn(d.mean.sizes(), g).to(d.mean.options());
}

torch::Device device_of(const torch::nn::Module& m) { return m.parameters().front().device(); }

// Pixels ([B, 1, F, H, W], 0 or 1) of x ([B, C, F, H, W]) that differ by more than 0.1 in a channel from the
// median along dim: over time (2), what moves; along a row (4), what stands out of its picture.
torch::Tensor away_from_median(const torch::Tensor& x, int64_t dim) {
  const auto median = std::get<0>(x.median(dim, true));
  return ((x - median).abs().amax(1, true) > 0.1).to(x.scalar_type());
}

}  // namespace

torch::Tensor latent_cells(const torch::Tensor& pixels, int64_t r, int64_t s) {
  const int64_t b = pixels.size(0), f = pixels.size(2), h = pixels.size(3), w = pixels.size(4);
  if ((f - 1) % r != 0 || h % s != 0 || w % s != 0)
    fail(ErrorKind::internal, "latent_cells: the layout is not a whole number of latent cells");
  auto cells = pixels.to(torch::kFloat);  // [B, 1, F, H, W]
  // The first picture alone makes latent frame 0; then each r pictures make one.
  cells = torch::cat({cells.narrow(2, 0, 1).expand({b, 1, r - 1, h, w}), cells}, 2);
  const int64_t t = cells.size(2) / r;
  cells = cells.reshape({b, t, r, h, w}).amax(2);                                  // [B, T, H, W]
  cells = torch::max_pool2d(cells, {s, s}, {s, s});                                // [B, T, h, w]
  cells = torch::max_pool2d(cells, {3, 3}, {1, 1}, {1, 1});
  return cells.unsqueeze(1);
}

torch::Tensor moving_cells(const torch::Tensor& layout, int64_t r, int64_t s) {
  return latent_cells(away_from_median(layout, 2), r, s);
}

torch::Tensor thing_pixels(const torch::Tensor& layout) { return away_from_median(layout, 4); }

torch::Tensor smear_things(const torch::Tensor& z, const torch::Tensor& layout, const torch::Tensor& keep,
                           const model::VideoVaeImpl& vae, const VaeStageOptions& o, torch::Generator& g) {
  const int64_t b = z.size(0), r = vae.config.temporal_downsample, s = vae.config.spatial_downsample;
  auto smeared_cells = moving_cells(layout, r, s);
  if (o.still_things) smeared_cells = torch::maximum(smeared_cells, latent_cells(thing_pixels(layout), r, s));
  const auto cells = smeared_cells.to(z.dtype()) * keep.to(z.dtype()).view({b, 1, 1, 1, 1});
  const auto level = (torch::rand({b, 1, 1, 1, 1}, g) * o.thing_noise).to(z.device(), z.scalar_type());
  const auto spread = vae.latent_std.view({1, -1, 1, 1, 1}).to(z.dtype());
  const auto noise = torch::randn(z.sizes(), g).to(z.device(), z.scalar_type());
  // Half the samples: each latent frame also takes half of the one before (the first keeps its own).
  const auto mix = (torch::rand({b, 1, 1, 1, 1}, g) < 0.5).to(z.device(), z.scalar_type()) * 0.5;
  auto base = z;
  if (o.thing_blur > 0) {
    const auto share = (torch::rand({b, 1, 1, 1, 1}, g) * o.thing_blur).to(z.device(), z.scalar_type());
    const auto around = torch::avg_pool3d(z, {1, 3, 3}, {1, 1, 1}, {0, 1, 1}, false, /*count_include_pad=*/false);
    base = z + share * (around - z);
  }
  if (o.thing_erase > 0) {
    // The mean over the 7 x 7 cells around each cell of those without a thing (in each sample's own layout).
    const auto background = (1.0 - smeared_cells).to(z.device(), z.scalar_type());
    const auto window = [](const torch::Tensor& t) {
      return torch::avg_pool3d(t, {1, 7, 7}, {1, 1, 1}, {0, 3, 3}, false, /*count_include_pad=*/true);
    };
    const auto weight = window(background);
    const auto filled = window(z * background) / weight.clamp_min(1e-6);
    const auto drawn = (torch::rand({b, 1, 1, 1, 1}, g) * o.thing_erase).clamp_max(1.0);
    const auto share = drawn.to(z.device(), z.scalar_type());
    const auto erase = share * (weight > 0).to(z.scalar_type());
    base = base + erase * (filled - base);
  }
  const auto previous = torch::cat({base.narrow(2, 0, 1), base.narrow(2, 0, base.size(2) - 1)}, 2);
  const auto smeared = base * (1.0 - mix) + previous * mix + level * spread * noise;
  return z + cells * (smeared - z);
}

torch::Tensor audio_tensor(const media::Clip& clip, int64_t length) {
  auto wave = torch::zeros({1, length}, torch::kFloat);
  if (clip.sample_rate > 0 && !clip.audio.empty()) {
    const int64_t n = std::min<int64_t>(clip.audio_samples(), length);
    auto mono = torch::from_blob(const_cast<float*>(clip.audio.data()), {clip.audio_samples(), clip.channels}, torch::kFloat)
                    .mean(1);
    wave.narrow(1, 0, n).copy_(mono.narrow(0, 0, n).unsqueeze(0));
  }
  return wave;
}

// ---- video autoencoder -----------------------------------------------------------------------------

std::vector<std::string> vae_loss_parts() { return {"loss", "recon", "edge", "kl", "psnr"}; }

StepFn vae_step(model::VideoVae vae, VaeStageOptions o) {
  if (o.decoder_only)
    for (auto& p : vae->named_parameters())
      if (p.key().rfind("encoder", 0) == 0) p.value().set_requires_grad(false);
  return [vae, o](std::vector<Sample>& batch, torch::Generator& g) mutable {
    const bool guided = vae->config.guide_channels > 0;
    const int64_t cell = std::max(1, vae->config.grid_cell);
    const bool with_scene = vae->config.scene_channels > 0;
    std::vector<torch::Tensor> crops, layouts, scenes;
    for (const Sample& s : batch) {
      const auto& clip = s.clip;
      const int frames = std::min(o.crop_frames, clip.frame_count());
      const int size_h = std::min(o.crop_size, clip.height), size_w = std::min(o.crop_size, clip.width);
      const int64_t f0 = draw(g, clip.frame_count() - frames + 1);
      // With pixel art's grid (fixed to the picture's top left) a crop starts on a cell and is not flipped, so
      // that the grid stays where the decoder draws it.
      const int64_t y0 = draw(g, (clip.height - size_h) / cell + 1) * cell, x0 = draw(g, (clip.width - size_w) / cell + 1) * cell;
      const bool flip = uniform(g) < 0.5 && cell == 1;
      const auto crop = [&](const media::Clip& c) {
        auto x = frames_tensor(c).narrow(1, f0, frames).narrow(2, y0, size_h).narrow(3, x0, size_w);
        return flip ? x.flip({3}) : x;
      };
      crops.push_back(crop(clip));
      if (guided) {
        if (s.layout.frame_count() != clip.frame_count()) fail(ErrorKind::internal, "vae stage: a sample has no layout");
        layouts.push_back(crop(s.layout));
      }
      if (with_scene) {
        if (static_cast<int>(s.scene_features.size()) != vae->config.scene_channels - 1)
          fail(ErrorKind::internal, "vae stage: a sample's scene features do not match vae.scene_channels");
        scenes.push_back(torch::tensor(s.scene_features, torch::kFloat));
      }
    }
    const auto device = device_of(*vae);
    const auto x = torch::stack(crops).to(device);  // [B, 3, F, H, W]
    model::LatentDistribution d;
    torch::Tensor z;
    if (o.decoder_only) {
      torch::NoGradGuard frozen;
      z = vae->encode(x).mean;
      if (o.latent_noise > 0) {
        const auto level = (torch::rand({z.size(0), 1, 1, 1, 1}, g) * o.latent_noise).to(device);
        const auto spread = vae->latent_std.view({1, -1, 1, 1, 1}).to(z.dtype());
        z = z + level * spread * torch::randn(z.sizes(), g).to(device, z.scalar_type());
      }
    } else {
      d = vae->encode(x);
      z = sample_latent(d, g);
    }
    torch::Tensor layout, keep;
    if (guided) {
      layout = torch::stack(layouts).to(device);
      keep = (torch::rand({x.size(0)}, g) >= o.guide_dropout).to(device);
      const bool smear = o.thing_noise > 0 || o.thing_blur > 0 || o.thing_erase > 0;
      if (o.decoder_only && smear) z = smear_things(z, layout, keep, *vae, o, g);
    }
    const auto scene = with_scene ? torch::stack(scenes) : torch::Tensor{};
    const auto rec = vae->decode(z, layout, keep, scene).to(torch::kFloat);
    // Weight pixels that move (differ from the crop's temporal median): small fast objects matter most.
    const auto weight = 1.0 + o.motion_weight * away_from_median(x, 2);
    const auto diff = rec - x;
    const auto recon = (weight * (diff.abs() + diff.pow(2))).mean();
    const auto dx = [](const torch::Tensor& t) { return t.narrow(4, 1, t.size(4) - 1) - t.narrow(4, 0, t.size(4) - 1); };
    const auto dy = [](const torch::Tensor& t) { return t.narrow(3, 1, t.size(3) - 1) - t.narrow(3, 0, t.size(3) - 1); };
    const auto edge = (dx(rec) - dx(x)).abs().mean() + (dy(rec) - dy(x)).abs().mean();
    const auto kl = o.decoder_only ? torch::zeros({}, recon.options()) : kl_term(d);
    const auto loss = recon + o.edge_weight * edge + o.kl_weight * kl;
    // PSNR on [0, 1] pixels: MSE of [-1, 1] values / 4.
    const double mse = diff.detach().pow(2).mean().item<double>() / 4.0;
    return StepResult{loss, {loss.item<double>(), recon.item<double>(), edge.item<double>(), kl.item<double>(),
                             -10.0 * std::log10(std::max(mse, 1e-12))}};
  };
}

void measure_video_latent_stats(model::VideoVae vae, const std::vector<Sample>& samples) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> latents;
  for (const Sample& s : samples) latents.push_back(vae->encode(frames_tensor(s.clip).unsqueeze(0)).mean);
  const auto all = torch::cat(latents, 0).transpose(0, 1).flatten(1);  // [C, N]
  vae->latent_mean.copy_(all.mean(1));
  vae->latent_std.copy_(all.std(1).clamp_min(1e-4));
}

// ---- audio autoencoder -----------------------------------------------------------------------------

std::vector<std::string> audio_loss_parts() { return {"loss", "recon", "kl"}; }

namespace {

// Normalised log-mel of a batch, padded to whole audio tokens: [B, n_mels, Tm].
torch::Tensor mel_batch(const std::vector<Sample>& batch, const model::MelVocoder& vocoder, const model::AudioConfig& c,
                        int64_t frames_multiple) {
  std::vector<torch::Tensor> waves;
  for (const Sample& s : batch) {
    const int64_t samples = s.clip.audio_samples();
    const int64_t mel_frames = (samples + c.hop - 1) / c.hop;
    const int64_t padded = (mel_frames + frames_multiple - 1) / frames_multiple * frames_multiple;
    waves.push_back(audio_tensor(s.clip, padded * c.hop));
  }
  return vocoder.analyze(torch::cat(waves, 0));
}

}  // namespace

StepFn audio_step(model::AudioAutoencoder ae, const model::MelVocoder& vocoder, AudioStageOptions o) {
  return [ae, &vocoder, o](std::vector<Sample>& batch, torch::Generator& g) mutable {
    const auto mel = mel_batch(batch, vocoder, ae->config, ae->config.downsample).to(device_of(*ae));
    const auto d = ae->encode(mel);
    const auto rec = ae->decode(sample_latent(d, g)).to(torch::kFloat);
    const auto diff = rec - mel;
    const auto recon = (diff.abs() + diff.pow(2)).mean();
    const auto kl = kl_term(d);
    const auto loss = recon + o.kl_weight * kl;
    return StepResult{loss, {loss.item<double>(), recon.item<double>(), kl.item<double>()}};
  };
}

void measure_audio_latent_stats(model::AudioAutoencoder ae, const model::MelVocoder& vocoder,
                                const std::vector<Sample>& samples) {
  torch::NoGradGuard no_grad;
  const auto mel = mel_batch(samples, vocoder, ae->config, ae->config.downsample);
  const auto all = ae->encode(mel).mean.transpose(0, 1).flatten(1);
  ae->latent_mean.copy_(all.mean(1));
  ae->latent_std.copy_(all.std(1).clamp_min(1e-4));
}

std::pair<double, double> measure_log_mel(const model::AudioConfig& config, int sample_rate,
                                          const std::vector<Sample>& samples) {
  model::AudioConfig raw = config;
  raw.log_mel_mean = 0.0;
  raw.log_mel_std = 1.0;
  const model::MelVocoder vocoder(raw, sample_rate);
  const auto mel = mel_batch(samples, vocoder, raw, 1);
  return {mel.mean().item<double>(), mel.std().item<double>()};
}

// ---- diffusion transformer -------------------------------------------------------------------------

EncodedBatch encode_batch(model::KinemaModel m, const std::vector<Sample>& batch, const model::MelVocoder* vocoder) {
  torch::NoGradGuard no_grad;
  const auto& c = m->config;
  const auto device = device_of(*m->dit);
  EncodedBatch e;
  const bool cached = std::all_of(batch.begin(), batch.end(), [](const Sample& s) { return s.encoded != nullptr; });
  if (cached) {
    const auto stack = [&](torch::Tensor Encoded::*field) {
      std::vector<torch::Tensor> rows;
      for (const Sample& s : batch) rows.push_back((*s.encoded).*field);
      return rows.front().defined() ? torch::stack(rows).to(device) : torch::Tensor{};
    };
    return {stack(&Encoded::video), stack(&Encoded::layout), stack(&Encoded::audio), stack(&Encoded::events),
            stack(&Encoded::scene)};
  }
  std::vector<torch::Tensor> frames, layouts, event_rows, scenes;
  bool all_layouts = true, all_events = true, all_scenes = true;
  for (const Sample& s : batch) {
    all_scenes = all_scenes && !s.scene_features.empty();
    if (all_scenes) scenes.push_back(torch::tensor(s.scene_features, torch::kFloat));
    frames.push_back(frames_tensor(s.clip));
    all_layouts = all_layouts && s.layout.frame_count() == s.clip.frame_count();
    if (all_layouts) layouts.push_back(frames_tensor(s.layout));
    all_events = all_events && !s.audio_events.empty();
    if (all_events)
      event_rows.push_back(torch::from_blob(const_cast<float*>(s.audio_events.data()),
                                            {s.audio_event_channels,
                                             static_cast<int64_t>(s.audio_events.size()) / s.audio_event_channels},
                                            torch::kFloat)
                               .clone());
  }
  e.video = m->vae->normalize(m->vae->encode(torch::stack(frames).to(device)).mean).to(torch::kFloat);
  if (all_scenes) e.scene = torch::stack(scenes).to(device);
  if (c.dit.guide_channels > 0 && all_layouts) {
    const auto l = torch::stack(layouts).to(device);
    e.layout = torch::adaptive_avg_pool3d(l, {l.size(2), e.video.size(3), e.video.size(4)});
  }
  if (c.has_audio() && vocoder) {
    const auto mel = mel_batch(batch, *vocoder, c.audio, int64_t{c.audio.downsample} * c.dit.audio_patch);
    e.audio = m->audio_vae->normalize(m->audio_vae->encode(mel.to(device)).mean).to(torch::kFloat);
    if (c.dit.audio_guide_channels > 0 && all_events) {
      e.events = torch::stack(event_rows).to(device);
      if (e.events.size(2) < e.audio.size(2))
        e.events = torch::constant_pad_nd(e.events, {0, e.audio.size(2) - e.events.size(2)});
      e.events = e.events.narrow(2, 0, e.audio.size(2));
    }
  }
  return e;
}

torch::Tensor training_timesteps(int64_t count, double shift, torch::Generator& g, double pure_noise_share) {
  const auto u = torch::sigmoid(torch::randn({count}, g));
  const auto t = shift * u / (1 + (shift - 1) * u);
  if (pure_noise_share <= 0) return t;
  const auto near_one = 0.99 + 0.01 * torch::rand({count}, g);
  return torch::where(torch::rand({count}, g) < pure_noise_share, near_one, t);
}

torch::Tensor look_loss(const torch::Tensor& v, const torch::Tensor& target, const torch::Tensor& t) {
  // x0 implied by the prediction minus the true x0 is -t (v - target).
  const auto error = (v - target) * t.view({-1, 1, 1, 1, 1});
  return torch::avg_pool3d(error, {1, 4, 4}, {1, 4, 4}, {0, 0, 0}, /*ceil_mode=*/true).pow(2).mean();
}

std::vector<std::string> dit_loss_parts() { return {"loss", "video", "audio"}; }

StepFn dit_step(model::KinemaModel m, const text::Tokenizer& tokenizer, const model::MelVocoder* vocoder,
                DitStageOptions o) {
  return [m, &tokenizer, vocoder, o](std::vector<Sample>& batch, torch::Generator& g) mutable {
    const auto& c = m->config;
    const int64_t b = static_cast<int64_t>(batch.size());
    const EncodedBatch e = encode_batch(m, batch, vocoder);
    const torch::Tensor &x0 = e.video, &a0 = e.audio, &layout = e.layout, &events = e.events;

    // Flow matching: t from a shifted logit-normal (SD3), x_t = (1 - t) x0 + t noise, target v = noise - x0.
    const auto device = x0.device();
    const auto t = training_timesteps(b, o.timestep_shift, g, o.pure_noise_share).to(device);
    const auto noise = torch::randn(x0.sizes(), g).to(device);
    const auto tv = t.view({b, 1, 1, 1, 1});
    const auto xt = (1 - tv) * x0 + tv * noise;

    model::DitInput in;
    std::vector<torch::Tensor> video_parts{xt};
    if (c.dit.condition_channels > 0) {
      std::vector<torch::Tensor> rows;
      for (int64_t i = 0; i < b; ++i) {
        const int64_t held = uniform(g) < o.condition_rate ? 1 + draw(g, x0.size(2) - 1) : 0;
        rows.push_back(model::condition_input(x0[i].unsqueeze(0).narrow(2, 0, held), x0[i].unsqueeze(0)));
      }
      video_parts.push_back(torch::cat(rows, 0));
    }
    const auto keep_guide = (torch::rand({b}, g) >= o.guide_dropout).to(device);
    if (c.dit.guide_channels > 0) video_parts.push_back(model::video_guide(layout, xt, c.vae.temporal_downsample, keep_guide));
    in.video = torch::cat(video_parts, 1);
    in.timestep = t;
    if (c.dit.scene_channels > 0) in.scene = model::scene_guide(e.scene, b, c.dit.scene_channels, keep_guide).to(device);

    std::vector<std::string> captions;
    for (const Sample& s : batch) captions.push_back(uniform(g) < o.caption_dropout ? "" : s.caption);
    const auto tokens = text::tokenize(tokenizer, captions, c.text);
    const auto ids = tokens.ids.to(device), mask = tokens.mask.to(device);
    in.context = m->text_encoder->forward(ids, mask);
    in.context_mask = mask;

    torch::Tensor audio_noise, at;
    if (c.has_audio()) {
      audio_noise = torch::randn(a0.sizes(), g).to(device);
      const auto ta = t.view({b, 1, 1});
      at = (1 - ta) * a0 + ta * audio_noise;
      std::vector<torch::Tensor> audio_parts{at};
      if (c.dit.audio_guide_channels > 0)
        audio_parts.push_back(model::audio_guide(events, at, c.dit.audio_guide_channels, keep_guide));
      in.audio = torch::cat(audio_parts, 1);
    }

    const auto out = m->dit->forward(in);
    const auto v = out.video.to(torch::kFloat), target = noise - x0;
    const auto video_loss = (v - target).pow(2).mean();
    auto loss = video_loss;
    // Part of "loss" only (the loss log keeps its columns): loss - video - audio_weight x audio.
    if (o.look_weight > 0) loss = loss + o.look_weight * look_loss(v, target, t);
    double audio_value = 0;
    if (c.has_audio()) {
      const auto audio_loss = (out.audio.to(torch::kFloat) - (audio_noise - a0)).pow(2).mean();
      loss = loss + o.audio_weight * audio_loss;
      audio_value = audio_loss.item<double>();
    }
    return StepResult{loss, {loss.item<double>(), video_loss.item<double>(), audio_value}};
  };
}

}  // namespace kinema::train

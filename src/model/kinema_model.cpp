// All networks of one model folder under one module.
#include "model/kinema_model.h"

namespace kinema::model {

double audio_latent_seconds(const ModelConfig& c) {
  return c.has_audio() ? static_cast<double>(c.audio.hop) * c.audio.downsample / c.clip.audio_sample_rate : 0.0;
}

KinemaModelImpl::KinemaModelImpl(const ModelConfig& c) : config(c) {
  text_encoder = register_module("text_encoder", text::TextEncoder(c.text));
  vae = register_module("vae", VideoVae(c.vae));
  if (c.has_audio()) audio_vae = register_module("audio_vae", AudioAutoencoder(c.audio));
  // One audio token spans audio_patch latent frames; one video latent frame spans r / fps seconds.
  const double latent_frame_seconds = static_cast<double>(c.vae.temporal_downsample) / c.clip.fps;
  const double audio_token_period = audio_latent_seconds(c) * c.dit.audio_patch / latent_frame_seconds;
  dit = register_module("dit", Dit(c.dit, audio_token_period));
}

std::vector<std::pair<std::string, int64_t>> parameter_counts(KinemaModel& model) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& child : model->named_children()) {
    int64_t n = 0;
    for (const auto& p : child.value()->parameters()) n += p.numel();
    out.emplace_back(child.key(), n);
  }
  return out;
}

}  // namespace kinema::model

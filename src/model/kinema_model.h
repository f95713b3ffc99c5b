// All networks of one model folder under one module, so tensor names are "text_encoder.*", "vae.*",
// "audio_vae.*" and "dit.*" and a checkpoint is checked against the whole model at once.
#pragma once

#include <torch/torch.h>

#include "model/audio_autoencoder.h"
#include "model/config.h"
#include "model/dit.h"
#include "model/vae.h"
#include "text/text_encoder.h"

namespace kinema::model {

struct KinemaModelImpl : torch::nn::Module {
  explicit KinemaModelImpl(const ModelConfig& config);

  ModelConfig config;
  text::TextEncoder text_encoder{nullptr};
  VideoVae vae{nullptr};
  AudioAutoencoder audio_vae{nullptr};  // null when the model makes no sound
  Dit dit{nullptr};
};
TORCH_MODULE(KinemaModel);

// Seconds of sound one audio latent frame spans.
double audio_latent_seconds(const ModelConfig& config);

// Parameter counts per component, for `kinema info`.
std::vector<std::pair<std::string, int64_t>> parameter_counts(KinemaModel& model);

}  // namespace kinema::model

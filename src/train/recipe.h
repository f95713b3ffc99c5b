// The built-in model's training recipe, stage by stage, in one run folder that every stage resumes from:
//   prepare   model.json from the recipe, a tokenizer trained on world captions, log-mel statistics
//   vae       the video autoencoder on world clips and layout renders -> vae.safetensors (with latent stats)
//   audio     the audio autoencoder on world sound -> audio.safetensors (with latent stats)
//   dit       text encoder + DiT on the frozen autoencoders' latents, guided and free, with sound
//   decoder   optional (training.decoder): the video decoder fine-tuned with the encoder frozen, so the latents
//             and the DiT stay valid -> vae-decoder.safetensors, which the model uses from then on
//   export    the EMA weights as a model folder (fp16 shards of at most 16 MiB, tokenizer, model card)
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>

#include "core/json.h"

namespace kinema::train {

struct RecipeOptions {
  std::filesystem::path recipe;  // JSON: {"model": {model.json}, "training": {per-stage settings}}
  std::filesystem::path run;     // the run folder
  std::filesystem::path export_to;  // model folder written by the export stage
  std::string stage = "all";     // prepare, vae, audio, dit, decoder, export or all
  double minutes = 0;            // > 0: stop (checkpointed) after this much wall time
  std::string device = "auto";   // auto (CUDA when libtorch has it), cpu or cuda
};

// Runs the stages asked for, resuming each from its checkpoint; a finished stage is skipped. Returns true
// when every stage asked for has finished.
bool run_recipe(const RecipeOptions& options, const std::function<void(const std::string&)>& report,
                const std::atomic<bool>* stop = nullptr);

}  // namespace kinema::train

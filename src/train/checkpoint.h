// Training checkpoints that resume exactly: weights, EMA weights, optimizer moments, the random
// generator's state and the trainer's own state (step, data position, time) in one folder, replaced
// atomically so a run can be stopped at any moment.
#pragma once

#include <filesystem>

#include <torch/torch.h>

#include "core/json.h"
#include "train/optimizer.h"

namespace kinema::train {

struct TrainingState {
  torch::nn::Module* model = nullptr;
  Ema* ema = nullptr;
  AdamW* optimizer = nullptr;
  torch::Generator* generator = nullptr;
  // Names (prefixes) of modules added to the network after its checkpoint was written, e.g. "dit.text_pool":
  // their tensors may be missing from the checkpoint and then start from their initialisation.
  std::vector<std::string> added_modules;
};

// Writes <dir>/checkpoint/ (model, ema, optimizer, rng .safetensors + state.json) via a temporary folder.
void save_checkpoint(const std::filesystem::path& dir, const TrainingState& training, const Json& state);

// Loads <dir>/checkpoint/ if it exists; returns false when there is none. Throws on a damaged checkpoint.
bool load_checkpoint(const std::filesystem::path& dir, const TrainingState& training, Json& state);

// Starts a network from an earlier one's weights (a stage begun again on a grown architecture): tensors of
// the same name and shape are copied; a tensor that grew along dimension 1 only (a convolution that reads
// more input channels) gets the old weights in its leading slice and zeros in the rest, so the network
// starts out computing what the earlier one did. Anything else (a missing, left-over or otherwise reshaped
// tensor) throws naming it. Returns the names of the widened tensors.
std::vector<std::string> warm_start(torch::nn::Module& module, const std::filesystem::path& weights);

}  // namespace kinema::train

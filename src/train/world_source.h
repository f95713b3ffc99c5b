// Training samples from Kinema World: sample i is a random scene drawn from seed (base + i), simulated,
// drawn in the model's clip format, captioned with varied wording, with its layout render and sound events
// for guided mode. Deterministic, thread-safe (every call builds its own world), cheap next to a DiT step.
#pragma once

#include <string>
#include <vector>

#include "model/config.h"
#include "train/data.h"

namespace kinema::train {

struct WorldSourceOptions {
  uint64_t base_seed = 0;
  bool guide = true;  // make the layout render and event channels
  int wordings = 0;   // > 0: also caption the shot in this many wordings (Sample::wordings)
};

SampleSource world_source(const model::ModelConfig& config, WorldSourceOptions options);

// The scene features (pipeline::scene_features) of sample `index` of world_source with this base seed,
// without simulating or drawing it.
std::vector<float> world_scene_features(const model::ModelConfig& config, uint64_t base_seed, uint64_t index);

// Captions for training the tokenizer: `count` scenes' shots, each in several wordings.
std::vector<std::string> world_captions(const model::ModelConfig& config, uint64_t base_seed, int count);

}  // namespace kinema::train

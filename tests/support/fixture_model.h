// A small model folder with random weights for tests, written and read through the real format
// (model.json, F16 safetensors shards, a tokenizer trained here, MODEL_CARD.md). Never shipped.
#pragma once

#include <cstdint>
#include <filesystem>

#include "model/config.h"

namespace kinema::testing {

struct FixtureOptions {
  bool audio = true;
  int condition_channels = 0;
  bool guided = false;  // guide channels for the world's layout and sound events
  uint64_t max_shard_bytes = 64 << 10;  // small, so the fixture has several shards and an index
  // The decoder draws one flat grey, whatever the latents: clean frames for tests of what is added to the
  // picture afterwards (the invisible watermark is made for a model's smooth pictures, not for noise).
  bool flat_picture = false;
  int size = 32;  // frame width and height, a multiple of 8
  // Guided: the DiT and the decoder also read the scene description, and the decoder draws pixel art's grid
  // (cells of 3 pixels) for pixel art.
  bool styled_decoder = false;
};

// The fixture's config: 32x32 (options.size) at 8 fps, 9 frames (up to 17), 8 kHz sound; tiny networks.
model::ModelConfig fixture_config(const FixtureOptions& options = {});

// Writes a fixture model folder into dir with weights drawn from `seed`.
void make_fixture_model(const std::filesystem::path& dir, uint64_t seed = 1, const FixtureOptions& options = {});

}  // namespace kinema::testing

// The latent cache: the DiT stage trains on what the frozen autoencoders make of world clips, computed once.
// Encoding a 4 s clip costs more than a DiT step on it, so the cache encodes each clip once and the DiT
// sees it many times (with fresh noise, timestep, dropout and caption wording each time). Shards of
// `shard_size` samples, written atomically and so resumable, read back memory-mapped:
//   <dir>/shard-NNNNN.safetensors  video  F16 [S, C, t, h, w]   normalised video latents
//                                  layout U8  [S, 3, F, h, w]   layout render averaged per latent pixel, per frame
//                                  audio  F16 [S, Ca, T]        normalised audio latents (models with sound)
//                                  events F16 [S, E, T]         sound-event channels on the audio grid (guided models)
//                                  metadata "wordings": JSON list per sample of caption wordings
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>

#include <torch/torch.h>

#include "model/kinema_model.h"
#include "model/vocoder.h"
#include "train/data.h"
#include "train/loop.h"
#include "train/stages.h"

namespace kinema::train {

struct LatentCacheOptions {
  std::filesystem::path dir;
  int64_t samples = 4096;  // samples source(0 .. samples - 1), rounded up to whole shards
  int shard_size = 64;
  int batch = 8;           // clips encoded at once
  int data_workers = 1;
};

// Writes the shards that are missing; returns true when every shard exists. Reports progress with an ETA.
bool build_latent_cache(model::KinemaModel m, const model::MelVocoder* vocoder, const SampleSource& source,
                        const LatentCacheOptions& options, const ReportFn& report, const std::atomic<bool>* stop);

// Samples from a finished cache: index i is entry perm_e(i mod N) of epoch e = i / N, a fresh shuffle each
// epoch, captioned with wording e mod (wordings). Deterministic and thread-safe.
// scene_of(i): the scene features of cached sample i (computed once when the source is made, not stored in
// the shards), or none.
SampleSource latent_cache_source(const LatentCacheOptions& options, uint64_t seed,
                                 std::function<std::vector<float>(uint64_t)> scene_of = {});

}  // namespace kinema::train

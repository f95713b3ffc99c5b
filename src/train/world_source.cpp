// Training samples from Kinema World.
#include "train/world_source.h"

#include "model/kinema_model.h"
#include "pipeline/world_guide.h"
#include "world/world.h"

namespace kinema::train {
namespace {

world::Format format_of(const model::ModelConfig& c) {
  return {c.clip.width, c.clip.height, c.clip.fps, c.clip.frames,
          c.clip.audio_sample_rate > 0 ? c.clip.audio_sample_rate : 16000};
}

// Audio latent frames of one clip, as the DiT sees them (whole tokens).
int64_t audio_grid_frames(const model::ModelConfig& c) {
  if (!c.has_audio()) return 0;
  const int64_t samples = static_cast<int64_t>(c.clip.frames) * c.clip.audio_sample_rate / c.clip.fps;
  const int64_t mel_frames = (samples + c.audio.hop - 1) / c.audio.hop;
  const int64_t per_token = int64_t{c.audio.downsample} * c.dit.audio_patch;
  return (mel_frames + per_token - 1) / per_token * c.dit.audio_patch;
}

}  // namespace

SampleSource world_source(const model::ModelConfig& config, WorldSourceOptions options) {
  return [config, options](uint64_t index) {
    const uint64_t seed = options.base_seed + index;
    world::SceneOptions scene_options;
    scene_options.format = format_of(config);
    const auto scene = world::random_scene(seed, scene_options);
    world::WorldOptions world_options;
    world_options.caption_variant = index;
    const auto rendered = world::render_scene(scene, world_options);
    const auto& shot = rendered.shots.at(0);
    Sample sample;
    sample.index = index;
    sample.clip = shot.clip;
    sample.caption = shot.caption.text;
    for (int w = 0; w < options.wordings; ++w)
      sample.wordings.push_back(world::caption_shot(rendered.scene, rendered.trace, 0, index + static_cast<uint64_t>(w)).text);
    if (options.guide) {
      auto guide = pipeline::make_world_guide(rendered, 0, config.clip.frames, config.clip.width, config.clip.height,
                                              model::audio_latent_seconds(config), audio_grid_frames(config));
      sample.layout = std::move(guide.layout);
      sample.audio_events = std::move(guide.audio_events);
      sample.audio_event_channels = guide.audio_event_channels;
      sample.scene_features = std::move(guide.scene);
    }
    return sample;
  };
}

std::vector<float> world_scene_features(const model::ModelConfig& config, uint64_t base_seed, uint64_t index) {
  world::SceneOptions scene_options;
  scene_options.format = format_of(config);
  return pipeline::scene_features(world::random_scene(base_seed + index, scene_options), 0, config.clip.frames);
}

std::vector<std::string> world_captions(const model::ModelConfig& config, uint64_t base_seed, int count) {
  std::vector<std::string> captions;
  world::SceneOptions scene_options;
  scene_options.format = format_of(config);
  world::WorldOptions world_options;
  world_options.pictures = false;
  world_options.sound.events = world_options.sound.ambience = false;
  for (int i = 0; i < count; ++i) {
    const auto scene = world::random_scene(base_seed + static_cast<uint64_t>(i), scene_options);
    const auto rendered = world::render_scene(scene, world_options);
    for (uint64_t variant = 0; variant < 3; ++variant)
      captions.push_back(world::caption_shot(rendered.scene, rendered.trace, 0, variant).text);
  }
  return captions;
}

}  // namespace kinema::train

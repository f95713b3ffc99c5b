// Guided mode's inputs from Kinema World, the same for training and generation: the layout render of a
// shot (its label maps painted in flat, style-free, daylight colours; the video VAE encodes it into the
// DiT's guide channels) and its sound events on the audio latent grid (the audio guide channels).
#pragma once

#include <cstdint>
#include <vector>

#include "media/clip.h"
#include "world/world.h"

namespace kinema::pipeline {

// Event channels: sound kind (6), sounding material (9), touched material (9), each weighted by strength.
inline constexpr int kAudioEventChannels = world::kSoundKinds + 2 * world::kMaterials;

struct WorldGuide {
  media::Clip layout;               // RGB frames of the layout render; no sound
  std::vector<float> audio_events;  // [kAudioEventChannels][grid frames]
  int audio_event_channels = kAudioEventChannels;
};

// The flat colour of a label in the layout render.
world::Rgb layout_colour(uint8_t label);

// The guide for shot `shot` of a rendered scene at width x height, with events on a grid of
// `grid_frames` frames of `grid_seconds` each from the shot's start.
WorldGuide make_world_guide(const world::RenderedScene& rendered, int shot, int width, int height,
                            double grid_seconds, int64_t grid_frames);

// The events alone on that grid (instants split between the two nearest grid frames by their sub-frame
// time; rolling and sliding spread over the frames they last).
std::vector<float> rasterize_events(const std::vector<world::SoundEvent>& events, double grid_seconds,
                                    int64_t grid_frames);

}  // namespace kinema::pipeline

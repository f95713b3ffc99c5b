// Guided mode's inputs from Kinema World, the same for training and generation: the layout render of a
// shot (its label maps painted in flat, style-free, daylight colours; the video VAE encodes it into the
// DiT's guide channels) and its sound events on the audio latent grid (the audio guide channels).
#pragma once

#include <cstdint>
#include <vector>
#include <string>

#include "media/clip.h"
#include "world/world.h"

namespace kinema::pipeline {

// Event channels: sound kind (6), sounding material (9), touched material (9), each weighted by strength.
inline constexpr int kAudioEventChannels = world::kSoundKinds + 2 * world::kMaterials;
// The scene description's look: the style (one-hot) and the light at the start and end of the window
// (0 midday, 0.5 sunset, 1 deep night).
inline constexpr int kSceneFeatures = world::kStyles + 2;

struct WorldGuide {
  media::Clip layout;               // RGB frames of the layout render; no sound
  std::vector<float> audio_events;  // [kAudioEventChannels][grid frames]
  int audio_event_channels = kAudioEventChannels;
  std::vector<float> scene;         // [kSceneFeatures]
  // The world's caption of the shot the window mostly shows, in the words the model was trained on: what
  // the DiT reads instead of the prompt when it is set (GenerationRequest::read_world_caption).
  std::string caption;
};

// The look of frames [first_frame, first_frame + frame_count) of a scene, as the DiT reads it.
std::vector<float> scene_features(const world::Scene& scene, int first_frame, int frame_count);

// The flat colour of a label in the layout render.
world::Rgb layout_colour(uint8_t label);

// The guide for frames [first_frame, first_frame + frame_count) of a rendered scene's trace (the window
// may cross cuts: a continued shot starts with the previous shot's last frames) at width x height, with
// the window's events on a grid of `grid_frames` frames of `grid_seconds` each from its start.
WorldGuide make_world_guide(const world::RenderedScene& rendered, int first_frame, int frame_count, int width,
                            int height, double grid_seconds, int64_t grid_frames);

// The scene that continues `previous` for a new shot asked for by `prompt`: the same things carry on in one
// continuous simulation (what broke stays broken, what rolls keeps rolling); the new shot's camera and the
// style come from the prompt where it names them. The light goes on from where it is at the cut: at the
// previous rate, or, where the new prompt asks for a change ("as night falls"), turning there
// (Scene::light_turns) toward night at world::kLightDriftPerShot; it stops at deep night or midday. Shots are
// added until the scene has at least `frames_needed` frames.
world::Scene continue_scene(const world::Scene& previous, const world::ParsedPrompt& prompt, int frames_needed);

// The events alone on that grid (instants split between the two nearest grid frames by their sub-frame
// time; rolling and sliding spread over the frames they last).
std::vector<float> rasterize_events(const std::vector<world::SoundEvent>& events, double grid_seconds,
                                    int64_t grid_frames);

}  // namespace kinema::pipeline

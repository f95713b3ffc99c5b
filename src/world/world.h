// Kinema World, the one door: a scene in; its continuous simulation, its shots as clips (RGB frames and sound)
// with captions, label maps and sound events out. See docs/WORLD.md for the design and the formats.
//
//   Scene scene = random_scene(seed, {.min_shots = 2, .max_shots = 2});
//   RenderedScene r = render_scene(scene);       // simulate once, cut into shots
//   media::write_mp4(r.shots[0].clip, "shot1.mp4");
//   r.shots[0].caption.text                      // "A red ball drops onto the metal floor and bounces. ..."
//   shot_labels(r.scene, r.trace, 0, 32, 32)     // what is where, for guided mode
#pragma once

#include <cstdint>
#include <vector>

#include "core/json.h"
#include "media/clip.h"
#include "world/caption.h"
#include "world/labels.h"
#include "world/palette.h"
#include "world/prompt_parser.h"
#include "world/render.h"
#include "world/scene.h"
#include "world/simulation.h"
#include "world/sound.h"

namespace kinema::world {

struct ShotClip {
  int shot = 0;
  int first_frame = 0;              // index of the shot's first frame in the trace
  media::Clip clip;                 // format.frames RGB24 frames; mono float sound at format.sample_rate
  Caption caption;
  std::vector<SoundEvent> events;   // in the shot; time and sample counted from the shot's start
};

struct RenderedScene {
  Scene scene;
  Trace trace;
  std::vector<ShotClip> shots;
};

struct WorldOptions {
  bool pictures = true;      // draw the frames (off: the clips hold no frames)
  SoundOptions sound;        // events and ambience on; both off: the clips hold no sound
  uint64_t caption_variant = 0;
};

// Simulates the scene once and cuts it into its shots. Deterministic: same scene, same bytes.
RenderedScene render_scene(const Scene& scene, const WorldOptions& options = {});

// The label maps (labels.h) of a shot's frames at width x height: frames x height x width bytes.
std::vector<uint8_t> shot_labels(const Scene& scene, const Trace& trace, int shot, int width, int height);

// The same scene cut into `count` consecutive shots: the shots it has are kept (up to `count`), the others get
// a camera move drawn from `seed` and a moving subject (follow shots follow it). The simulation is the same
// scene run longer; only its length and cameras change.
Scene cut_into_shots(const Scene& scene, int count, uint64_t seed);

// A shot as JSON for files beside an MP4: caption, facts, the scene, the shot's events.
Json shot_json(const RenderedScene& rendered, int shot);

}  // namespace kinema::world

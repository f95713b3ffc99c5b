// Clips for the judge's tests, made with Kinema World in memory: a prompt played out and filmed, and the
// same clip broken on purpose (a thing recoloured or taken out of frames, frames shuffled, the sound
// shifted, gravity turned round, the scene redrawn in another style, light or camera, ...).
#pragma once

#include <functional>
#include <string>

#include "media/clip.h"
#include "world/world.h"

namespace kinema::eval::testing {

// A prompt's scene (world::parse_prompt) with `shots` shots, simulated and filmed.
world::RenderedScene film(const std::string& prompt, int shots = 1);
// The same scene changed before it is simulated (colour, height, style, camera, ...), filmed.
world::RenderedScene film(const std::string& prompt, int shots, const std::function<void(world::Scene&)>& change);

// Shot `shot` drawn again from the trace with each frame's state edited; the sound is the shot's own.
media::Clip redraw(const world::RenderedScene& r, int shot, const std::function<void(world::FrameState&)>& edit);

// Frames in a shuffled order (a fixed permutation from `seed`).
media::Clip shuffle_frames(const media::Clip& clip, uint64_t seed);
// The sound moved later by `seconds` (silence in front, the end cut off).
media::Clip delay_sound(const media::Clip& clip, double seconds);
// The shot's sound synthesized again with every impact on the floor sounding of `floor`.
media::Clip resound_floor(const world::RenderedScene& r, int shot, world::Material floor);

// The object of a scene with this kind (the first one).
int object_id(const world::Scene& scene, world::Kind kind);

}  // namespace kinema::eval::testing

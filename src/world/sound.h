// The world's sound: the trace's sound events synthesized sample-accurately, plus an ambience per setting and
// time of day. Impacts are modal synthesis (Gaver 1993; van den Doel, Kry and Pai 2001): each material rings
// with a few decaying modes, excited by a click; harder hits are louder and excite the higher modes more.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "world/scene.h"
#include "world/simulation.h"

namespace kinema::world {

struct SoundOptions {
  bool events = true;     // impacts, footsteps, rolling, sliding, shattering, splashes
  bool ambience = true;   // the setting's background (room tone, birds, crickets, waves, wind, hum)
};

// The setting a floor suggests, for the ambience and captions: wood = a room, metal = a workshop,
// grass = a park, ice = a frozen pond, sand = a beach.
enum class Setting : uint8_t { room, workshop, park, pond, beach };
Setting setting_of(Material ground);
std::string_view name(Setting setting);

// The sound track of the whole scene: mono, scene.format.sample_rate, samples [0, track_samples(scene)).
// An event's onset lies at its `sample`. Deterministic: same scene and trace, same samples.
std::vector<float> synthesize_sound(const Scene& scene, const Trace& trace, const SoundOptions& options = {});

// floor(total_frames * sample_rate / fps): the track's length.
int64_t track_samples(const Scene& scene);
// The samples [first, last) of a shot: shot k starts at floor(k * frames * rate / fps).
std::pair<int64_t, int64_t> shot_samples(const Scene& scene, int shot);

}  // namespace kinema::world

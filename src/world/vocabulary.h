// The words the world knows: every phrase captions may use and the prompt parser understands, each with
// its meaning. One table serves both, so what captions say, the parser reads back.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "world/scene.h"

namespace kinema::world {

// What happens to things, read from the simulation (captions) or asked for (prompts).
// fall: slips on a slippery floor; trip: falls over something in its way.
enum class Outcome : uint8_t { bounce, shatter, topple, fall, trip, collide, lie_still, in_pieces, intact };
inline constexpr int kOutcomes = 9;
// How the light changes within a shot.
enum class LightChange : uint8_t { sundown, deepen, nightfall };
// What is heard.
enum class Sound : uint8_t {
  clang, knock, thud, thump, crunch, swish, splash, tick, crash, tinkle, rumble, scrape, footsteps,
  birdsong, crickets, waves, wind, hum, quiet
};

enum class Concept : uint8_t {
  colour,        // value: Colour
  size,          // Size
  kind,          // Kind (a singular noun)
  kinds,         // Kind (a plural noun)
  floor,         // Material: a place ("the metal floor", "a puddle")
  action,        // Action (a verb)
  outcome,       // Outcome
  camera,        // CameraMove
  time,          // TimeOfDay
  light_change,  // LightChange
  style,         // Style
  sound,         // Sound
  stack,         // "a stack of", "a tower of"
  count,         // value: the number
  direction,     // +1 right, -1 left
  outfit,        // clothes: "a girl in a red dress" gives the character the colour
  filler,        // known words without a meaning of their own
};

struct Meaning {
  Concept what;
  int value = 0;
};

struct Phrase {
  std::string_view text;  // lower case, words separated by single spaces
  Meaning meaning;
};

// Every phrase, in table order (for each meaning, its plainest phrase first).
std::span<const Phrase> vocabulary();
// The phrases with one meaning, in table order.
std::vector<std::string_view> phrases_for(Concept what, int value);
// "colour red", "action drop", "camera pan_left", "filler", ...
std::string describe(const Meaning& meaning);
std::string_view name(Outcome outcome);
std::string_view name(Sound sound);

}  // namespace kinema::world

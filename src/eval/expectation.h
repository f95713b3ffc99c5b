// What a prompt asks for, read through the world's prompt parser: each named thing (kind, colour if named,
// what it does and what happens to it, a direction if named), the floors, camera, time of day, light change,
// style and sounds. The judge measures a clip against this; it never sees how the clip was made.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "world/world.h"

namespace kinema::eval {

struct ExpectedSubject {
  int id = -1;                                // the parsed scene's object id
  world::Kind kind = world::Kind::ball;
  std::optional<world::Colour> colour;        // only when the prompt names it
  std::optional<world::Size> size;            // only when the prompt names it
  world::Action action = world::Action::rest; // as the parser settled it
  std::set<world::Outcome> outcomes;          // what the prompt says happens to it
  int direction = 0;                          // -1 left, +1 right, 0 not named
  world::Colour parsed_colour = world::Colour::red;  // the colour the parser gave it (named or not)

  std::string describe() const;  // "red ball", "ball", "blue glass (shatter)"
  bool has(world::Outcome o) const { return outcomes.count(o) > 0; }
};

struct Expectation {
  world::ParsedPrompt parsed;
  std::vector<ExpectedSubject> subjects;
  std::vector<world::Material> floors;         // named floors and patches, in order
  std::optional<world::CameraMove> camera;     // named camera move
  int follow = -1;                             // index into subjects of the followed thing (camera follow)
  std::optional<world::TimeOfDay> time;        // named time of day
  std::optional<world::LightChange> change;    // named change of light
  std::optional<world::Style> style;           // named style
  std::vector<world::Sound> sounds;            // named sounds
};

// Reads a prompt. `format` is the clip's format (the parsed scene uses it). Deterministic.
Expectation expect_from_prompt(const std::string& prompt, const world::Format& format = {});

}  // namespace kinema::eval

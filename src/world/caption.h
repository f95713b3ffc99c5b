// Captions of shots: what a shot shows, read from the scene and its simulation, told in varied words
// (synonyms, word order, optional details) drawn from the world's vocabulary.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "world/scene.h"
#include "world/simulation.h"
#include "world/vocabulary.h"

namespace kinema::world {

// One thing as a caption names it.
struct SubjectFacts {
  int id = -1;
  Kind kind = Kind::ball;
  Colour colour = Colour::red;
  Size size = Size::medium;
  bool size_named = false;
  std::optional<Action> action;   // what the caption says it does; none when only its state is told
  std::vector<Outcome> outcomes;  // what happens to it in the shot (or its lasting state)
  int stack = -1;                 // boxes resting on each other share a stack number
  int target = -1;                // id thrown at or chased
};

// Everything a caption names: the content the prompt parser must recover from it.
struct CaptionFacts {
  std::vector<SubjectFacts> subjects;  // the things seen in the shot, in the order they are named
  std::vector<Material> grounds;       // floors named, the main floor first
  CameraMove camera = CameraMove::static_;
  int camera_subject = -1;             // follow: the id followed
  TimeOfDay time = TimeOfDay::day;     // at the start of the shot
  std::optional<LightChange> change;   // the light changing during the shot
  Style style = Style::cartoon;
  std::vector<Sound> sounds;           // sounds named
};

struct Caption {
  std::string text;
  CaptionFacts facts;
};

// The caption of one shot. `variant` picks other wording for the same facts (0 = the default draw).
Caption caption_shot(const Scene& scene, const Trace& trace, int shot, uint64_t variant = 0);

// Whether a thing (by id; fragments count for their glass) is in view in at least a quarter of the shot.
bool seen_in_shot(const Scene& scene, const Trace& trace, int shot, int id);

}  // namespace kinema::world

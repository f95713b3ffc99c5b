// The prompt parser: free text (or a caption) back to a Scene, with the words the world does not know.
// It reads the world's vocabulary (vocabulary.h): colours, sizes, things, floors, actions and what happens,
// camera moves, time of day, styles and sounds; anything else is reported as unknown.
#pragma once

#include <string>
#include <vector>

#include "world/scene.h"

namespace kinema::world {

struct WordMeaning {
  std::string text;     // a word or a phrase of the prompt, as normalised (lower case)
  std::string meaning;  // "colour red", "kind ball", "ground metal", "action drop", "filler", "unknown", ...
};

struct ParsedPrompt {
  Scene scene;                       // one shot; things laid out so their actions play out
  std::vector<std::string> unknown;  // words the world does not know, in order of first use
  std::vector<WordMeaning> words;    // the prompt, phrase by phrase
};

// Parses a prompt. Things, colours, actions, floors, camera, light and style named in it are in the scene;
// what it leaves out takes defaults (a wooden floor, day, cartoon, a static camera) or is hinted by sounds
// ("clang": a metal floor, "crickets": night). The scene's seed is a hash of the text; `format` is used as
// given. Deterministic.
ParsedPrompt parse_prompt(const std::string& text, const Format& format = {});

}  // namespace kinema::world

// The sound as the judge reads it: onsets (sharp rises of high-frequency energy, placed to the sample), and
// what floor an impact sounds like, by comparing its spectrum and decay with impacts the world's own sound
// synthesis makes on each floor (modal synthesis: wood knocks, metal rings, grass and sand are dull noise).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "media/clip.h"
#include "world/world.h"

namespace kinema::eval {

// The clip's sound as mono samples (channels averaged).
std::vector<float> mono_of(const media::Clip& clip);

struct Onset {
  double time = 0;      // seconds from the clip's start
  double rise_db = 0;   // how far the energy rose above the 35 ms before
  double level = 0;     // peak energy of the differentiated signal (per sample)
};

// Onsets at least 10 ms apart.
std::vector<Onset> find_onsets(const std::vector<float>& mono, int rate);

struct FloorGuess {
  world::Material material = world::Material::wood;  // the most likely ground material
  double confidence = 0;                             // its probability
  std::array<double, world::kGroundMaterials> probability{};
};

// What floor the impact at `time` sounds like (the background before it subtracted).
FloorGuess guess_floor(const std::vector<float>& mono, int rate, double time);
// Several impacts of one clip together (their evidence multiplied).
FloorGuess combine(const std::vector<FloorGuess>& guesses);

}  // namespace kinema::eval

// The label map's table: one byte per pixel naming what is seen there, the same in every style.
//
//   value        meaning
//   0            sky and everything behind the stage
//   1            the sun or the moon
//   2 .. 7       floor: wood, metal, grass, ice, sand, water (a puddle's band)    = 2 + material
//   8 .. 15      ball of colour red, orange, yellow, green, blue, purple, pink, white = 8 + colour
//   16 .. 23     box of colour ...                                               = 16 + colour
//   24 .. 31     glass (whole) of colour ...                                     = 24 + colour
//   32 .. 39     character wearing colour ... (torso, head and limbs)            = 32 + colour
//   40 .. 47     glass fragment of colour ...                                    = 40 + colour
//
// Shadows, outlines drawn outside a thing's outline, glows and stars keep the label of what lies beneath.
#pragma once

#include <cstdint>
#include <string>

#include "world/scene.h"

namespace kinema::world {

inline constexpr uint8_t kLabelSky = 0;
inline constexpr uint8_t kLabelSun = 1;
inline constexpr uint8_t kLabelFloor = 2;      // + ground material (wood .. water)
inline constexpr uint8_t kLabelThings = 8;     // + 8 * kind + colour
inline constexpr uint8_t kLabelFragment = 40;  // + colour
inline constexpr int kLabelCount = 48;

inline uint8_t floor_label(Material m) { return static_cast<uint8_t>(kLabelFloor + static_cast<int>(m)); }
inline uint8_t thing_label(Kind kind, Colour colour, bool fragment = false) {
  if (fragment) return static_cast<uint8_t>(kLabelFragment + static_cast<int>(colour));
  return static_cast<uint8_t>(kLabelThings + kColours * static_cast<int>(kind) + static_cast<int>(colour));
}

// "sky", "sun or moon", "floor wood", "ball red", "glass fragment blue", ...; "" for values >= kLabelCount.
std::string label_name(uint8_t label);

}  // namespace kinema::world

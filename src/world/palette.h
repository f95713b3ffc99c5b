// The world's colours per style and light, and its drawing conventions: what a judge needs to find things
// by colour and shape, and to tell style and time of day from the pixels.
//
// Drawing conventions (all styles):
// - Side view. The floor line y = 0 sits at kFloorRow (80%) of the frame height at every zoom; 4.8 m span
//   the shorter side of the frame at zoom 1 (geometry.h: view_for). Below the floor line is the floor's
//   front face, coloured by its material; a puddle is a water band 0.15 m deep at the top of the floor.
// - Sky fills everything above the floor line. The sun sits at 78% of the width; it sinks from 15% of the
//   height (light 0) to the floor line (light 1) and is gone by night; the moon (upper left) and stars fade
//   in from light 1.2. The sky's colours are keyed per style at day, sunset and night (sky_colours()).
// - Things: balls are discs with a thin darker stripe that turns with the ball; boxes are rectangles with a
//   darker inset frame; glasses are tapered cups (translucent tint, a white highlight, a rim line);
//   fragments are the cup's shards; the character has a torso in its colour, limbs in a darker shade of it
//   (kLimbShade; legs swing with the gait phase), and a skin-coloured head with an eye towards where it faces.
// - Objects' flat interiors show fill_colour(style, colour, light); edges are antialiased (except pixel
//   art, drawn at 1/block of the resolution without antialiasing and scaled up by block x block).
// - Styles: cartoon = flat fills, flat one-colour sky, no outlines. realistic = gradient sky, shaded balls
//   and boxes, textured floors, soft shadows. anime = banded sky, flat tones with a hard shadow side and
//   dark outlines. neon = dark sky, a grid floor, things as dim fills with glowing outlines in their colour.
//   pixel = cartoon-like drawing at a coarse grid (blocks of pixel_block() pixels), colours posterized to
//   8 levels per channel.
#pragma once

#include <cstdint>

#include "world/scene.h"

namespace kinema::world {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

// The colour a thing of this colour is painted with in a style, at full daylight (neon: its glow).
Rgb palette_colour(Style style, Colour colour);
// The multiplier daylight applies to things and floors: white at day, warm at sunset, dim blue at night.
// Channels in 0..1; neon things glow and ignore it.
struct Tint {
  double r = 1, g = 1, b = 1;
};
Tint light_tint(double light);
// The colour of a thing's flat interior under a light: palette_colour x light_tint (neon: 0.3 x glow;
// pixel: posterized). What a judge should compare region colours with.
Rgb fill_colour(Style style, Colour colour, double light);
// The colour name a seen colour is closest to in a style under a light, comparing colours brought to the same
// brightness (largest channel at 255): shading, shadow sides and glows change brightness, not the name.
Colour nearest_colour(Style style, double light, Rgb seen);
// The floor's front face colour of a material in a style at full daylight, and under a light.
Rgb floor_colour(Style style, Material material);
Rgb lit_floor_colour(Style style, Material material, double light);
// The sky: colour at the top of the frame and at the floor line.
struct SkyColours {
  Rgb top, horizon;
};
SkyColours sky_colours(Style style, double light);
// Neutral colours of the character.
inline constexpr Rgb kSkinColour{236, 196, 156};  // times light_tint (neon: 0.3)
inline constexpr double kLimbShade = 0.6;          // limbs: the fill colour darkened to 60%
// Pixel art: the size of a block at a resolution (3 at 128x128: a 43x43 grid), and the posterization.
int pixel_block(int width, int height);
uint8_t posterize(uint8_t value);  // to 8 levels: 0, 36, 73, 109, 146, 182, 219, 255

Rgb scale(Rgb c, Tint t);
Rgb mix(Rgb a, Rgb b, double t);  // (1 - t) a + t b

}  // namespace kinema::world

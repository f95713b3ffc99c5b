// A clip as the judge reads it, frame by frame: the style it is drawn in, the light of each frame (from the
// sky), and the blobs of things in each frame.
#pragma once

#include <array>
#include <vector>

#include "eval/blobs.h"
#include "eval/sky.h"
#include "media/clip.h"
#include "world/world.h"

namespace kinema::eval {

struct StyleReading {
  world::Style style = world::Style::cartoon;            // the most likely style
  std::array<double, world::kStyles> probability{};      // of each style
  std::array<double, world::kStyles> sky_distance{};     // sky profile distance to each style's best light
  double block_edges = 0;  // share of colour edges on a pixel-art block grid (1/3 by chance at 3x3 blocks)
  double floor_shading = 0;  // how much the floor darkens from its top to the frame's bottom (realistic)
};

struct FrameReading {
  double light = 0;        // the light that best explains this frame's sky in the clip's style
  double sky_misfit = 0;   // profile distance there
  std::vector<Rgbf> sky;   // row colours above the floor line
  std::vector<Blob> blobs;
};

struct ClipReading {
  int width = 0, height = 0, fps = 0;
  StyleReading style;
  std::vector<FrameReading> frames;
  int frame_count() const { return static_cast<int>(frames.size()); }
};

// Reads the style from a few frames of the clip.
StyleReading read_style(const media::Clip& clip, const Rect& ignore);

// Reads every frame: light and blobs, in the style read (or in `style` when given).
ClipReading read_clip(const media::Clip& clip, const Rect& ignore, const world::Style* style = nullptr);

}  // namespace kinema::eval

// The visible mark: a small "Kinema · AI" label that glides back and forth along the bottom of the picture.
//
// Its place is a pure function of the frame size, the frame index and the frame rate, so anything that scores
// pictures (the judge, src/eval) can leave out exactly the pixels the mark may touch:
//
//   const MarkRect r = visible_mark_rect(clip.width, clip.height, frame, clip.fps);
//   // ignore pixels with r.x <= x < r.x + r.width and r.y <= y < r.y + r.height
//
// The label is drawn from a built-in 7-pixel font, scaled by max(1, height / 180) (1 for 128x128: a 50 x 11
// pixel box), sits `margin` pixels above the bottom edge, and moves from the left margin to the right margin and
// back every 8 seconds (a triangle wave starting at the left at frame 0).
#pragma once

#include <cstddef>  // media/clip.h uses size_t

#include "media/clip.h"

namespace kinema::safety {

struct MarkRect {
  int x = 0, y = 0, width = 0, height = 0;  // pixels; the box the mark can change, backing included
};

// Where the mark is drawn in `frame` of a width x height clip at `fps`. Empty (0 x 0) for frames too small to
// hold it (narrower than the mark plus margins).
MarkRect visible_mark_rect(int width, int height, int frame, int fps);

// Draws the mark into every frame of `clip`, in place.
void draw_visible_mark(media::Clip& clip);

// How much the clip's frames look like they carry the mark where it should be: the share of frames whose label
// pixels are clearly lighter than the backing around them. Meaningful only for clips at their exported size and
// timing (re-encoded is fine; trimmed, cropped or scaled is not).
double visible_mark_presence(const media::Clip& clip);

}  // namespace kinema::safety

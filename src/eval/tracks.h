// Subjects through a clip: for each thing the prompt names, the blob that is that thing in each frame
// (its colour, the kind its shape fits), or nothing; glasses also as whole or in pieces.
#pragma once

#include <vector>

#include "eval/clip_reading.h"
#include "eval/expectation.h"

namespace kinema::eval {

struct Detection {
  bool found = false;        // a blob of the subject's colour that can be this thing
  int blob = -1;             // its index in the frame's blobs
  double cx = 0, cy = 0;     // centroid, pixel coordinates
  double top = 0, bottom = 0;  // pixel rows of its upper and lower edges
  double left = 0, right = 0;  // pixel columns of its left and right edges
  int pixels = 0;
  double angle = 0;          // major axis, radians
  double elongation = 1;
  double solidity = 1;
  bool at_edge = false;      // touches the frame's border or the ignored rectangle
  bool kind_ok = false;      // its shape fits the expected kind about as well as any kind
  world::Kind kind_seen = world::Kind::ball;
  bool whole = true;         // glasses: false when only pieces are seen
  int pieces = 0;            // other blobs of its colour (a glass's fragments)
  int piece_pixels = 0;
};

struct SubjectTrack {
  int subject = -1;          // index into Expectation::subjects
  world::Kind kind = world::Kind::ball;
  int colour = -1;           // the colour followed (named, or the one that fits best when not named)
  bool colour_named = false;
  std::vector<Detection> frames;

  int found_frames() const;
};

// The expected size of a thing's blob, in pixels at zoom 1 (the smallest size when the size is not named).
double expected_pixels(world::Kind kind, std::optional<world::Size> size, int width, int height);

std::vector<SubjectTrack> track_subjects(const ClipReading& reading, const Expectation& expectation);

}  // namespace kinema::eval

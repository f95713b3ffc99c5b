// Finding things in one frame from its pixels: every pixel above the floor line that is not sky (nor the
// sun or moon the world would draw at this light) is explained as a thing's colour blended with the sky
// behind it (antialiased edges, translucent glass, glows), or left out. Pixels of one colour that touch make
// a blob; each blob gets a shape (principal axes, fill) and a fit to each kind of thing.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "eval/sky.h"
#include "world/world.h"

namespace kinema::eval {

// Pixel classes: the eight thing colours (world::Colour), then the character's skin.
inline constexpr int kSkinClass = world::kColours;
inline constexpr int kBlobClasses = world::kColours + 1;

struct Blob {
  int cls = 0;            // a world::Colour, or kSkinClass
  int pixels = 0;         // pixels at least half covered, holes inside filled
  double cx = 0, cy = 0;  // centroid in pixel coordinates (pixel centres at +0.5)
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // bounding box [x0, x1) x [y0, y1)
  double major = 1, minor = 1;  // extents along the principal axes, pixels
  double angle = 0;             // of the major axis, radians from the image x axis
  double fill = 1;              // pixels / (major * minor)
  double solidity = 1;          // pixels / area of their convex hull (things are convex; a character is not)
  bool at_edge = false;         // touches the frame's border or the ignored rectangle
  bool has_head = false;        // a skin blob (a head) touches it
  std::array<double, world::kKinds> kind_fit{};  // log-likelihood of each kind's shape

  double elongation() const { return minor > 0 ? major / minor : 1.0; }
  world::Kind best_kind() const;
};

struct FrameBlobs {
  std::vector<Blob> blobs;  // things' colours and heads
};

struct SegmentContext {
  world::Style style = world::Style::cartoon;
  double light = 0;
  const std::vector<Rgbf>* sky = nullptr;             // observed row colours of this frame
  const std::vector<uint8_t>* background = nullptr;   // the world's empty stage at this light (may be null)
  const std::vector<Rgbf>* background_sky = nullptr;  // its row colours
  Rect ignore;
};

// The blobs of one frame (width x height RGB24).
FrameBlobs find_blobs(const uint8_t* rgb, int width, int height, const SegmentContext& context);

// The class of each pixel above the floor line (kBlobClasses for none), for tests and tuning.
std::vector<uint8_t> classify_pixels(const uint8_t* rgb, int width, int height, const SegmentContext& context);

// Pixels per metre at zoom 1 for a picture size (the world's view: kViewSpan across the shorter side).
double pixels_per_metre(int width, int height);

}  // namespace kinema::eval

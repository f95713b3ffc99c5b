// Matching the prompt's subjects to blobs, frame by frame.
#include "eval/tracks.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace kinema::eval {
namespace {

constexpr int kMinPixels = 3;

double area_m2(world::Kind kind, world::Size size) {
  using world::Kind;
  switch (kind) {
    case Kind::ball: return 3.14159265 * std::pow(world::ball_radius(size), 2);
    case Kind::box: return 4 * world::box_half_size(size).x * world::box_half_size(size).y;
    case Kind::glass: {
      const world::GlassShape g = world::glass_shape(size);
      return (g.foot_half_width + g.rim_half_width) * g.height;
    }
    case Kind::character: {
      // What shows its colour: torso and limbs (the head is skin).
      const world::CharacterShape c = world::character_shape(size);
      return 2 * c.half_width * (c.shoulder - c.hip) + 4 * c.limb_width * c.hip;
    }
  }
  return 0.1;
}

// A blob that can be a thing at all: a few pixels, more than a line's width, not a thin streak.
bool thing_like(const Blob& b) { return b.pixels >= kMinPixels && b.minor >= 1.5 && b.elongation() <= 6.0; }

// How well a blob can be this subject: its kind fit against the best kind, and a preference for the larger
// of several candidates (a whole thing over a sliver or a fragment).
double match_score(const Blob& b, world::Kind kind, double min_pixels) {
  const double best = *std::max_element(b.kind_fit.begin(), b.kind_fit.end());
  double score = b.kind_fit[static_cast<int>(kind)] - best + 0.6 * std::log(static_cast<double>(b.pixels));
  if (b.pixels < 0.3 * min_pixels && !b.at_edge) score -= 3.0;
  return score;
}

bool kind_fits(const Blob& b, world::Kind kind, double min_pixels) {
  const double best = *std::max_element(b.kind_fit.begin(), b.kind_fit.end());
  if (b.pixels < 0.3 * min_pixels && !b.at_edge) return false;
  return b.kind_fit[static_cast<int>(kind)] >= best - 1.5;
}

Detection detection_of(const Blob& b, int index, world::Kind kind, double min_pixels) {
  Detection d;
  d.found = true;
  d.blob = index;
  d.cx = b.cx;
  d.cy = b.cy;
  d.top = b.y0;
  d.bottom = b.y1;
  d.left = b.x0;
  d.right = b.x1;
  d.pixels = b.pixels;
  d.angle = b.angle;
  d.elongation = b.elongation();
  d.solidity = b.solidity;
  d.at_edge = b.at_edge;
  d.kind_ok = kind_fits(b, kind, min_pixels);
  d.kind_seen = b.best_kind();
  return d;
}

}  // namespace

int SubjectTrack::found_frames() const {
  return static_cast<int>(std::count_if(frames.begin(), frames.end(), [](const Detection& d) { return d.found; }));
}

double expected_pixels(world::Kind kind, std::optional<world::Size> size, int width, int height) {
  const double scale = pixels_per_metre(width, height);
  return area_m2(kind, size.value_or(world::Size::small)) * scale * scale;
}

std::vector<SubjectTrack> track_subjects(const ClipReading& reading, const Expectation& expectation) {
  const auto& subjects = expectation.subjects;
  std::vector<SubjectTrack> tracks(subjects.size());
  std::vector<double> min_pixels(subjects.size());
  for (size_t s = 0; s < subjects.size(); ++s) {
    tracks[s].subject = static_cast<int>(s);
    tracks[s].kind = subjects[s].kind;
    tracks[s].colour_named = subjects[s].colour.has_value();
    tracks[s].colour = subjects[s].colour ? static_cast<int>(*subjects[s].colour) : -1;
    min_pixels[s] = expected_pixels(subjects[s].kind, subjects[s].size, reading.width, reading.height);
  }
  // Colours not named: the colour whose blobs have this kind's shape in the most frames, among colours no
  // other subject of the same kind claims.
  for (size_t s = 0; s < subjects.size(); ++s) {
    if (tracks[s].colour >= 0) continue;
    std::vector<int> frames_with(world::kColours, 0);
    for (const FrameReading& fr : reading.frames) {
      std::vector<bool> seen(world::kColours, false);
      for (const Blob& b : fr.blobs)
        if (b.cls < world::kColours && thing_like(b) && kind_fits(b, subjects[s].kind, min_pixels[s])) seen[b.cls] = true;
      for (int c = 0; c < world::kColours; ++c) frames_with[c] += seen[c];
    }
    for (size_t o = 0; o < subjects.size(); ++o)
      if (o != s && tracks[o].kind == tracks[s].kind && tracks[o].colour >= 0) frames_with[tracks[o].colour] = -1;
    const int best = static_cast<int>(std::max_element(frames_with.begin(), frames_with.end()) - frames_with.begin());
    tracks[s].colour = frames_with[best] > 0 ? best : static_cast<int>(subjects[s].parsed_colour);
  }

  for (const FrameReading& fr : reading.frames) {
    // Greedy: the best (subject, blob) pairs first, each blob to one subject.
    std::vector<std::tuple<double, int, int>> pairs;
    for (size_t s = 0; s < subjects.size(); ++s)
      for (size_t b = 0; b < fr.blobs.size(); ++b) {
        const Blob& blob = fr.blobs[b];
        if (blob.cls != tracks[s].colour || !thing_like(blob)) continue;
        // A speck is not a ball, a box or a character (it may be a glass's piece, counted below).
        if (subjects[s].kind != world::Kind::glass && !blob.at_edge && blob.pixels < 0.2 * min_pixels[s]) continue;
        pairs.emplace_back(match_score(blob, subjects[s].kind, min_pixels[s]), static_cast<int>(s), static_cast<int>(b));
      }
    std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
    std::vector<bool> blob_taken(fr.blobs.size(), false);
    std::vector<Detection> found(subjects.size());
    for (const auto& [score, s, b] : pairs) {
      if (found[s].found || blob_taken[b]) continue;
      blob_taken[b] = true;
      found[s] = detection_of(fr.blobs[b], b, subjects[s].kind, min_pixels[s]);
    }
    // Glasses: the other blobs of their colour are pieces; a glass is whole when its main blob has a glass's
    // shape and size.
    for (size_t s = 0; s < subjects.size(); ++s) {
      if (subjects[s].kind != world::Kind::glass) continue;
      Detection& d = found[s];
      for (size_t b = 0; b < fr.blobs.size(); ++b)
        if (!blob_taken[b] && fr.blobs[b].cls == tracks[s].colour && fr.blobs[b].pixels >= 2) {
          ++d.pieces;
          d.piece_pixels += fr.blobs[b].pixels;
        }
      if (d.found) {
        // Whole: a glass's shape, about as tall as the smallest glass at least (pieces lie flat).
        const double tall = 0.7 * world::glass_shape(subjects[s].size.value_or(world::Size::small)).height *
                            pixels_per_metre(reading.width, reading.height);
        // A small glass reads as a character as often as a glass (an upright solid a few pixels across; a
        // character's colour is its own, so the shape may be either), and its highlight, a stripe a pixel wide
        // down a glass six pixels across, takes a good part of its convex hull away.
        const bool shape_ok = d.kind_ok || d.kind_seen == world::Kind::character;
        d.whole = shape_ok && d.solidity >= 0.65 && d.pixels >= 0.5 * min_pixels[s] && d.bottom - d.top >= tall;
      } else if (d.pieces > 0) {
        d.found = true;
        d.whole = false;
      }
    }
    for (size_t s = 0; s < subjects.size(); ++s) tracks[s].frames.push_back(found[s]);
  }
  // A glass whose blob shrinks to well under its last whole size has broken, even if a heap of its pieces
  // happens to look like a glass (zooms change a size slowly, frame by frame).
  for (SubjectTrack& t : tracks) {
    if (t.kind != world::Kind::glass) continue;
    double reference = 0;
    for (Detection& d : t.frames) {
      reference *= 0.97;  // a zoom changes a size by a few percent a frame at most
      if (!d.found || !d.whole) continue;
      if (reference > 0 && d.pixels < 0.6 * reference) d.whole = false;
      else reference = std::max(reference, static_cast<double>(d.pixels));
    }
  }
  return tracks;
}

}  // namespace kinema::eval

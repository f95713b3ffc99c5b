// Guided-mode evaluation: when the world simulated the prompt (the reference a guided model was asked to
// draw), how far each thing the judge finds in the clip is from where the simulation puts it, projected
// through that frame's camera (world::view_for). The judge itself stays pixel-based; this compares its
// detections with the reference. Also the small helper that makes one continuous two-shot scene from two
// prompts, for guided two-shot evaluation.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "eval/sky.h"
#include "media/clip.h"
#include "world/world.h"

namespace kinema::eval {

struct GuidedFrame {
  int frame = 0;
  double reference_x = 0, reference_y = 0;  // the simulation's thing, projected (pixels)
  bool detected = false;
  double x = 0, y = 0;                       // the detected blob's centroid (pixels)
  double distance = 0;                       // pixels, when detected
};

struct GuidedSubject {
  int id = -1;
  world::Kind kind = world::Kind::ball;
  world::Colour colour = world::Colour::red;
  int in_view = 0;   // frames where the simulation has it whole and wholly in view
  int detected = 0;  // of those, frames where the judge found it away from the frame's edges
  std::vector<GuidedFrame> frames;  // the in-view frames
  double mean = 0, median = 0, p90 = 0;  // distances over the detected frames, pixels
};

struct GuidedReport {
  std::vector<GuidedSubject> subjects;
  int pairs = 0;              // (subject, frame) distances measured
  int in_view = 0;            // (subject, frame) pairs the simulation has in view
  double detection_rate = 0;  // pairs / in_view
  double mean = 0, median = 0, p90 = 0;  // over all pairs, pixels

  Json to_json() const;
};

// Where fast things are drawn within a latent frame. An autoencoder that compresses time r-fold decodes frame 0
// alone and frames 1 + r k ... r (k + 1) from latent frame k + 1. For things the simulation moves at least
// `min_speed_px` a frame, the error of the place found along the motion (+: ahead of the simulation, -: behind),
// by the frame's phase 1..r in its latent frame. A decoder that draws every frame where the simulation has it
// reads about 0 at every phase; one that draws a latent frame's thing near one place reads + early, - late.
class LatentPhaseLag {
 public:
  explicit LatentPhaseLag(int temporal_downsample);

  // Adds the detected frames of a report; frame f of its clip was decoded as frame f + decoded_offset (a
  // continued shot's clip leaves out the frames it held).
  void add(const GuidedReport& report, int decoded_offset = 0, double min_speed_px = 3.0);
  int phases() const { return static_cast<int>(sums_.size()); }
  int frames(int phase) const { return counts_.at(static_cast<size_t>(phase)); }  // phase 0 .. r - 1
  double mean_px(int phase) const;
  Json to_json() const;  // [{"phase": 1.., "frames", "mean_px"}]
  std::string summary() const;  // one line: each phase's mean and how many frames it rests on

 private:
  std::vector<double> sums_;
  std::vector<int> counts_;
};

// Compares the clip with shot `shot` of the reference (same picture size; the frames of that shot).
GuidedReport compare_with_reference(const media::Clip& clip, const world::RenderedScene& reference, int shot,
                                    const Rect& ignore = {});
// The same against the reference's frames [first_frame, first_frame + clip frames) (a continued shot may
// start anywhere in the simulation).
GuidedReport compare_with_reference_at(const media::Clip& clip, const world::RenderedScene& reference, int first_frame,
                                       const Rect& ignore = {});

// One continuous two-shot scene for a pair of prompts: the first prompt's scene runs on into a second shot
// whose camera (and followed thing), light and style are what the second prompt names (else kept). Things
// only the second prompt names are not added. Deterministic.
world::Scene two_shot_scene(const std::string& first, const std::string& second, const world::Format& format);

}  // namespace kinema::eval
